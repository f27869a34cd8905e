// Direct libc calls for tests that need exact errno values, raw byte names or nanosecond
// times, which System.IO hides or rounds.
using System.Runtime.InteropServices;
using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

internal static unsafe partial class Native
{
    public const int ORdOnly = 0, OWrOnly = 1, ORdWr = 2, OCreat = 0x40, OTrunc = 0x200;

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, Stat* result);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static partial int LStatRaw(byte* path, Stat* result);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkDir(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Unlink(string path);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChMod(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Symlink(string target, string path);

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetXAttr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetXAttr(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "listxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint ListXAttr(string path, byte* list, nuint size);

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenDir(string path);

    [LibraryImport("libc", EntryPoint = "readdir64", SetLastError = true)]
    private static partial byte* ReadDir(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(nint directory);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>lstat, or the errno it failed with.</summary>
    public static int TryLStat(string path, out Stat stat)
    {
        fixed (Stat* result = &stat)
        {
            return LStat(path, result) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>lstat of a path given as raw bytes (names that are not UTF-8).</summary>
    public static int TryLStatBytes(byte[] path, out Stat stat)
    {
        byte[] terminated = [.. path, 0];
        fixed (byte* text = terminated)
        fixed (Stat* result = &stat)
        {
            return LStatRaw(text, result) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    public static Stat LStatOrThrow(string path) =>
        TryLStat(path, out Stat stat) == 0 ? stat : throw new IOException($"lstat {path} failed: errno {Marshal.GetLastPInvokeError()}");

    /// <summary>open(2)+close; 0 or errno.</summary>
    public static int TryOpen(string path, int flags)
    {
        int fd = Open(path, flags, 0x1A4);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        Close(fd);
        return 0;
    }

    public static int TryMkDir(string path) => Errno(MkDir(path, 0x1ED));

    public static int TryUnlink(string path) => Errno(Unlink(path));

    public static int TryRename(string from, string to) => Errno(Rename(from, to));

    public static int TryChMod(string path, uint mode) => Errno(ChMod(path, mode));

    public static int TrySymlink(string target, string path) => Errno(Symlink(target, path));

    public static int TrySetXAttr(string path, string name, byte[] value)
    {
        fixed (byte* data = value)
        {
            return Errno(SetXAttr(path, name, data, (nuint)value.Length, 0));
        }
    }

    /// <summary>getxattr with a buffer of <paramref name="size"/> bytes (0 = size query): (result, errno).</summary>
    public static (long Result, int Errno, byte[] Value) TryGetXAttr(string path, string name, int size)
    {
        var buffer = new byte[size];
        fixed (byte* data = buffer)
        {
            long result = GetXAttr(path, name, size == 0 ? null : data, (nuint)size);
            return (result, result < 0 ? Marshal.GetLastPInvokeError() : 0, buffer[..(int)Math.Max(0, Math.Min(result, size))]);
        }
    }

    /// <summary>listxattr with a buffer of <paramref name="size"/> bytes (0 = size query).</summary>
    public static (long Result, int Errno, byte[] List) TryListXAttr(string path, int size)
    {
        var buffer = new byte[size];
        fixed (byte* data = buffer)
        {
            long result = ListXAttr(path, size == 0 ? null : data, (nuint)size);
            return (result, result < 0 ? Marshal.GetLastPInvokeError() : 0, buffer[..(int)Math.Max(0, Math.Min(result, size))]);
        }
    }

    /// <summary>The raw directory listing: name bytes, d_ino and d_type, "." and ".." included.</summary>
    public static List<(byte[] Name, ulong Inode, byte Type)> ListDirectory(string path)
    {
        nint directory = OpenDir(path);
        if (directory == 0)
        {
            throw new IOException($"opendir {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            var entries = new List<(byte[], ulong, byte)>();
            for (byte* entry = ReadDir(directory); entry != null; entry = ReadDir(directory))
            {
                // struct dirent64: d_ino @0, d_off @8, d_reclen @16, d_type @18, d_name @19
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + 19).ToArray();
                entries.Add((name, *(ulong*)entry, entry[18]));
            }

            return entries;
        }
        finally
        {
            CloseDir(directory);
        }
    }

    private static int Errno(int result) => result == 0 ? 0 : Marshal.GetLastPInvokeError();
}
