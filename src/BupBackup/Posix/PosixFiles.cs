// File system calls on byte paths that .NET does not offer: lstat with nanosecond times, readlink
// as bytes, mknod/mkfifo, lchown, utimensat, hard links (bup: xstat.py, metadata.py, _helpers.c).
using BupBackup.Posix.Interop;
using BupStore.Formats;
using Microsoft.Win32.SafeHandles;

namespace BupBackup.Posix;

/// <summary>
/// Thin wrappers over Linux system calls taking byte paths. Every failure throws
/// <see cref="PosixException"/> with the errno. Stateless and thread-safe.
/// </summary>
public static unsafe class PosixFiles
{
    private const uint Unchanged = uint.MaxValue; // (uid_t)-1 for lchown

    /// <summary><c>lstat</c>: status of <paramref name="path"/> without following a final symlink.</summary>
    public static FileStatus LStat(ReadOnlySpan<byte> path) =>
        TryLStat(path) ?? throw new PosixException("lstat", path, Errno.ENOENT);

    /// <summary><c>lstat</c>, or null when the path does not exist (ENOENT).</summary>
    public static FileStatus? TryLStat(ReadOnlySpan<byte> path)
    {
        var native = NativePath.Terminate(path);
        StatxBuffer buffer;
        fixed (byte* p = native)
        {
            if (LibC.Statx(StatxBuffer.AtFdCwd, p, StatxBuffer.AtSymlinkNoFollow, StatxBuffer.BasicStats, &buffer) != 0)
            {
                var error = PosixException.Last("lstat", path);
                return error.Errno == Errno.ENOENT ? null : throw error;
            }
        }

        return ToStatus(in buffer);
    }

    /// <summary>
    /// <c>fstatat(directoryFd, name, AT_SYMLINK_NOFOLLOW)</c>: lstat of the entry <paramref name="name"/>
    /// of an open directory, or null when it does not exist. The kernel looks up one name instead of
    /// walking every component of a full path. <paramref name="directoryPath"/> only names the entry in errors.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or holds a '/' or NUL byte.</exception>
    public static FileStatus? TryLStatAt(int directoryFd, ReadOnlySpan<byte> name, ReadOnlySpan<byte> directoryPath)
    {
        if (name.IsEmpty || name.IndexOfAny((byte)'/', (byte)0) >= 0)
        {
            throw new ArgumentException($"not a directory entry name: '{BupStore.Objects.NameText.Display(name)}'", nameof(name));
        }

        // NAME_MAX is 255: the terminated name fits on the stack, no allocation per entry.
        Span<byte> native = name.Length < 512 ? stackalloc byte[name.Length + 1] : new byte[name.Length + 1];
        name.CopyTo(native);
        native[^1] = 0;
        StatxBuffer buffer;
        fixed (byte* p = native)
        {
            if (LibC.Statx(directoryFd, p, StatxBuffer.AtSymlinkNoFollow, StatxBuffer.BasicStats, &buffer) != 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                return errno == Errno.ENOENT ? null : throw new PosixException("lstat", EntryPath(directoryPath, name), errno);
            }
        }

        return ToStatus(in buffer);
    }

    private static byte[] EntryPath(ReadOnlySpan<byte> directory, ReadOnlySpan<byte> name) =>
        directory.Length > 0 && directory[^1] == (byte)'/' ? [.. directory, .. name] : [.. directory, (byte)'/', .. name];

    /// <summary><c>readlink</c>: the target bytes of the symlink at <paramref name="path"/>.</summary>
    public static byte[] ReadLink(ReadOnlySpan<byte> path)
    {
        var native = NativePath.Terminate(path);
        for (var size = 256; ; size *= 2)
        {
            var buffer = new byte[size];
            nint length;
            fixed (byte* p = native, b = buffer)
            {
                length = LibC.ReadLink(p, b, (nuint)size);
            }

            if (length < 0)
            {
                throw PosixException.Last("readlink", path);
            }

            if (length < size)
            {
                return buffer[..(int)length];
            }
        }
    }

    /// <summary><c>mkdir</c> with <paramref name="mode"/> (subject to the umask).</summary>
    public static void Mkdir(ReadOnlySpan<byte> path, uint mode)
    {
        fixed (byte* p = NativePath.Terminate(path))
        {
            ThrowIfFailed(LibC.Mkdir(p, mode), "mkdir", path);
        }
    }

    /// <summary><c>rmdir</c>.</summary>
    public static void Rmdir(ReadOnlySpan<byte> path)
    {
        fixed (byte* p = NativePath.Terminate(path))
        {
            ThrowIfFailed(LibC.Rmdir(p), "rmdir", path);
        }
    }

    /// <summary><c>unlink</c>.</summary>
    public static void Unlink(ReadOnlySpan<byte> path)
    {
        fixed (byte* p = NativePath.Terminate(path))
        {
            ThrowIfFailed(LibC.Unlink(p), "unlink", path);
        }
    }

    /// <summary><c>mknod</c>: creates a device, FIFO or socket node; <paramref name="mode"/> includes the type bits.</summary>
    public static void Mknod(ReadOnlySpan<byte> path, uint mode, ulong device)
    {
        fixed (byte* p = NativePath.Terminate(path))
        {
            ThrowIfFailed(LibC.Mknod(p, mode, device), "mknod", path);
        }
    }

    /// <summary><c>mkfifo</c>.</summary>
    public static void Mkfifo(ReadOnlySpan<byte> path, uint mode)
    {
        fixed (byte* p = NativePath.Terminate(path))
        {
            ThrowIfFailed(LibC.Mkfifo(p, mode), "mkfifo", path);
        }
    }

    /// <summary><c>chmod</c> (follows symlinks; Linux has no lchmod).</summary>
    public static void Chmod(ReadOnlySpan<byte> path, uint mode)
    {
        fixed (byte* p = NativePath.Terminate(path))
        {
            ThrowIfFailed(LibC.Chmod(p, mode), "chmod", path);
        }
    }

    /// <summary><c>lchown</c>; −1 leaves the owner or group unchanged.</summary>
    /// <exception cref="OverflowException">An id is neither −1 nor a 32-bit unsigned value.</exception>
    public static void LChown(ReadOnlySpan<byte> path, long uid, long gid)
    {
        fixed (byte* p = NativePath.Terminate(path))
        {
            ThrowIfFailed(LibC.LChown(p, IdArgument(uid), IdArgument(gid)), "lchown", path);
        }
    }

    /// <summary><c>symlink</c>: creates <paramref name="path"/> pointing at <paramref name="target"/>.</summary>
    public static void Symlink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> path)
    {
        var nativeTarget = NativePath.Terminate(target);
        var nativePath = NativePath.Terminate(path);
        fixed (byte* t = nativeTarget, p = nativePath)
        {
            if (LibC.Symlink(t, p) != 0)
            {
                throw PosixException.Last("symlink", path);
            }
        }
    }

    /// <summary><c>link</c>: makes <paramref name="path"/> another name of <paramref name="existing"/>.</summary>
    public static void Link(ReadOnlySpan<byte> existing, ReadOnlySpan<byte> path)
    {
        var nativeExisting = NativePath.Terminate(existing);
        var nativePath = NativePath.Terminate(path);
        fixed (byte* e = nativeExisting, p = nativePath)
        {
            if (LibC.Link(e, p) != 0)
            {
                throw PosixException.Last("link", path);
            }
        }
    }

    /// <summary>
    /// <c>utimensat</c> with nanosecond atime and mtime; <paramref name="followSymlinks"/> false sets
    /// the times of a symlink itself (bup's lutime), true those of what it points to (bup's utime).
    /// </summary>
    public static void SetTimes(ReadOnlySpan<byte> path, BupTimespec atime, BupTimespec mtime, bool followSymlinks)
    {
        var native = NativePath.Terminate(path);
        var times = stackalloc Timespec[2];
        times[0] = new Timespec { Seconds = atime.Seconds, Nanoseconds = atime.Nanoseconds };
        times[1] = new Timespec { Seconds = mtime.Seconds, Nanoseconds = mtime.Nanoseconds };
        fixed (byte* p = native)
        {
            var flags = followSymlinks ? 0 : StatxBuffer.AtSymlinkNoFollow;
            if (LibC.Utimensat(StatxBuffer.AtFdCwd, p, times, flags) != 0)
            {
                throw PosixException.Last(followSymlinks ? "utime" : "lutime", path);
            }
        }
    }

    /// <summary>
    /// Creates a new regular file (<c>O_CREAT|O_EXCL</c>, failing if anything exists there) open for
    /// writing, with <paramref name="mode"/> subject to the umask.
    /// </summary>
    public static SafeFileHandle CreateExclusive(ReadOnlySpan<byte> path, uint mode)
    {
        var flags = OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.CloseOnExec;
        return new SafeFileHandle(Open(path, flags, mode, "open"), ownsHandle: true);
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId => LibC.GetEffectiveUserId();

    /// <summary>True when running as root (bup's <c>is_superuser</c>).</summary>
    public static bool IsSuperuser => EffectiveUserId == 0;

    /// <summary>The supplementary group ids of this process (<c>getgroups</c>).</summary>
    public static uint[] GetGroups()
    {
        var count = LibC.GetGroups(0, null);
        var groups = new uint[Math.Max(count, 0)];
        fixed (uint* g = groups)
        {
            count = LibC.GetGroups(groups.Length, g);
        }

        return count < 0 ? throw PosixException.Last("getgroups", "-"u8) : groups[..count];
    }

    /// <summary>open(2) returning the descriptor; throws on failure.</summary>
    internal static int Open(ReadOnlySpan<byte> path, int flags, uint mode, string operation)
    {
        var native = NativePath.Terminate(path);
        fixed (byte* p = native)
        {
            var fd = LibC.Open(p, flags, mode);
            return fd >= 0 ? fd : throw PosixException.Last(operation, path);
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> read-only without following a final symlink or blocking on a
    /// FIFO, and without touching its atime where the kernel allows (O_NOATIME needs ownership or
    /// CAP_FOWNER; bup falls back the same way). Returns the descriptor.
    /// </summary>
    internal static int OpenForReading(ReadOnlySpan<byte> path)
    {
        var flags = OpenFlags.ReadOnly | OpenFlags.NonBlock | OpenFlags.CloseOnExec | OpenFlags.NoFollow;
        try
        {
            return Open(path, flags | OpenFlags.NoAccessTime, 0, "open");
        }
        catch (PosixException e) when (e.Errno == Errno.EPERM)
        {
            return Open(path, flags, 0, "open");
        }
    }

    private static void ThrowIfFailed(int result, string operation, ReadOnlySpan<byte> path)
    {
        if (result != 0)
        {
            throw PosixException.Last(operation, path);
        }
    }

    private static uint IdArgument(long id) => id == -1 ? Unchanged : checked((uint)id);

    private static FileStatus ToStatus(in StatxBuffer buffer) => new()
    {
        Device = DeviceNumber.Make(buffer.DevMajor, buffer.DevMinor),
        Inode = buffer.Ino,
        Mode = buffer.Mode,
        LinkCount = buffer.Nlink,
        Uid = buffer.Uid,
        Gid = buffer.Gid,
        Rdev = DeviceNumber.Make(buffer.RdevMajor, buffer.RdevMinor),
        Size = (long)buffer.Size,
        Atime = new BupTimespec(buffer.Atime.Seconds, buffer.Atime.Nanoseconds),
        Mtime = new BupTimespec(buffer.Mtime.Seconds, buffer.Mtime.Nanoseconds),
        Ctime = new BupTimespec(buffer.Ctime.Seconds, buffer.Ctime.Nanoseconds),
    };
}
