// The write-side libc calls the writable-mount tests make: descriptors, positional I/O,
// renameat2 flags, utimensat nanoseconds and xattr flags, none of which System.IO exposes.
using System.Runtime.InteropServices;
using System.Text;
using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

internal static unsafe partial class Native
{
    public const int OAppend = 0x400, OExcl = 0x80;
    public const uint RenameNoReplace = 1, RenameExchange = 2;
    public const int XattrCreate = 1, XattrReplace = 2;
    public const int FallocKeepSize = 1;
    public const int WOk = 2;
    public const long UtimeNow = (1L << 30) - 1;
    private const int AtFdCwd = -100;

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteFd(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "truncate", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Truncate(string path, long length);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int FAllocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "rmdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RmDir(string path);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string from, string to);

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint ReadLink(string path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkNod(string path, uint mode, ulong device);

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChOwn(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UtimensAt(int directory, string path, Timespec* times, int flags);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int fromDirectory, string from, int toDirectory, string to, uint flags);

    [LibraryImport("libc", EntryPoint = "removexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RemoveXAttr(string path, string name);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);

    /// <summary>setfsuid(2): per thread, and leaving 0 drops the file capabilities (DAC override) with it.</summary>
    [LibraryImport("libc", EntryPoint = "setfsuid")]
    private static partial int SetFsUid(uint uid);

    [LibraryImport("libc", EntryPoint = "setfsgid")]
    private static partial int SetFsGid(uint gid);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();

    /// <summary>open(2) with a mode; the descriptor, or an IOException naming the errno.</summary>
    public static int OpenOrThrow(string path, int flags, uint mode = 0x1A4)
    {
        int fd = Open(path, flags, mode);
        return fd >= 0 ? fd : throw new IOException($"open {path} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void CloseFd(int fd) => Close(fd);

    /// <summary>pwrite (or write when <paramref name="offset"/> is negative): bytes written, or -errno.</summary>
    public static long TryWrite(int fd, byte[] data, long offset = -1)
    {
        fixed (byte* bytes = data)
        {
            nint result = offset < 0 ? WriteFd(fd, bytes, (nuint)data.Length) : PWrite(fd, bytes, (nuint)data.Length, offset);
            return result >= 0 ? result : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>pread of up to <paramref name="size"/> bytes; throws on failure.</summary>
    public static byte[] ReadAt(int fd, int size, long offset)
    {
        var buffer = new byte[size];
        fixed (byte* bytes = buffer)
        {
            nint result = PRead(fd, bytes, (nuint)size, offset);
            return result >= 0 ? buffer[..(int)result] : throw new IOException($"pread failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static int TryFTruncate(int fd, long length) => Errno(FTruncate(fd, length));

    public static int TryTruncate(string path, long length) => Errno(Truncate(path, length));

    public static int TryFSync(int fd, bool dataOnly) => Errno(dataOnly ? FDataSync(fd) : FSync(fd));

    public static int TryFAllocate(int fd, int mode, long offset, long length) => Errno(FAllocate(fd, mode, offset, length));

    public static int TryMkDir(string path, uint mode) => Errno(MkDir(path, mode));

    public static int TryRmDir(string path) => Errno(RmDir(path));

    public static int TryLink(string from, string to) => Errno(Link(from, to));

    public static int TryMkNod(string path, uint mode, ulong device = 0) => Errno(MkNod(path, mode, device));

    public static int TryChOwn(string path, uint uid, uint gid) => Errno(ChOwn(path, uid, gid));

    public static int TryRenameAt2(string from, string to, uint flags) => Errno(RenameAt2(AtFdCwd, from, AtFdCwd, to, flags));

    public static int TryRemoveXAttr(string path, string name) => Errno(RemoveXAttr(path, name));

    public static int TryAccess(string path, int mode) => Errno(Access(path, mode));

    /// <summary>utimensat with explicit (seconds, nanoseconds) pairs; <see cref="UtimeNow"/> as nanoseconds means now.</summary>
    public static int TryUtimens(string path, (long Seconds, long Nanoseconds) access, (long Seconds, long Nanoseconds) modify)
    {
        Timespec* times = stackalloc Timespec[2];
        times[0] = new Timespec { Seconds = access.Seconds, Nanoseconds = access.Nanoseconds };
        times[1] = new Timespec { Seconds = modify.Seconds, Nanoseconds = modify.Nanoseconds };
        return Errno(UtimensAt(AtFdCwd, path, times, 0));
    }

    public static int TrySetXAttr(string path, string name, byte[] value, int flags)
    {
        fixed (byte* data = value)
        {
            return Errno(SetXAttr(path, name, data, (nuint)value.Length, flags));
        }
    }

    /// <summary>The target of a symlink, as text.</summary>
    public static string ReadLinkOrThrow(string path)
    {
        byte* buffer = stackalloc byte[4096];
        nint length = ReadLink(path, buffer, 4096);
        return length >= 0
            ? Encoding.UTF8.GetString(buffer, (int)length)
            : throw new IOException($"readlink {path} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread of its own whose filesystem ids are
    /// <paramref name="uid"/>/<paramref name="gid"/> (root only), so the kernel checks permissions
    /// as that user and FUSE reports it as the caller; other threads keep their ids.
    /// </summary>
    public static void AsUser(uint uid, uint gid, Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            SetFsGid(gid);
            SetFsUid(uid);
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                SetFsUid(0);
                SetFsGid(0);
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new AggregateException(failure);
        }
    }

    /// <summary>This process's umask, read without changing it (/proc/self/status).</summary>
    public static uint CurrentUmask() =>
        Convert.ToUInt32(File.ReadLines("/proc/self/status").First(line => line.StartsWith("Umask:", StringComparison.Ordinal))[6..].Trim(), 8);
}
