// Linux inode flags (lsattr/chattr) via FS_IOC_GETFLAGS/FS_IOC_SETFLAGS, as bup's _helpers.c
// bup_get_linux_file_attr / bup_set_linux_file_attr do it.
using BupBackup.Posix.Interop;

namespace BupBackup.Posix;

/// <summary>
/// Reads and sets the flags <c>lsattr</c> shows (e.g. 0x80000 extents, 0x10 immutable). Only regular
/// files and directories are opened. Failures throw <see cref="PosixException"/> (ENOTTY or
/// EOPNOTSUPP when the filesystem has no such flags). Stateless and thread-safe.
/// </summary>
public static unsafe class LinuxFileAttributes
{
    // _IOR('f', 1, long) and _IOW('f', 2, long): bup uses the long-sized request numbers, which is
    // also what FUSE filesystems expect; the 8-byte argument is read as an int by local filesystems.
    private const nuint GetFlagsRequest = 0x80086601;
    private const nuint SetFlagsRequest = 0x40086602;

    /// <summary>FS_EXTENT_FL: cannot be cleared, so it is carried over from the target file.</summary>
    public const uint ExtentsFlag = 0x80000;

    /// <summary>The flags chattr can change (acdeijstuADST), bup's restore mask.</summary>
    public const uint ModifiableFlags = 0x8BC0FF;

    /// <summary>The flags of <paramref name="path"/> (opened with O_NOATIME when permitted, never following a symlink).</summary>
    public static uint Get(ReadOnlySpan<byte> path)
    {
        var fd = PosixFiles.OpenForReading(path);

        try
        {
            return (uint)Ioctl(fd, GetFlagsRequest, 0, path);
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    /// <summary>
    /// Sets the modifiable subset of <paramref name="flags"/>, keeping the file's extents flag as it is.
    /// </summary>
    public static void Set(ReadOnlySpan<byte> path, uint flags)
    {
        var fd = PosixFiles.Open(path, OpenFlags.ReadOnly | OpenFlags.NonBlock | OpenFlags.NoFollow | OpenFlags.CloseOnExec, 0, "open");
        try
        {
            var current = Ioctl(fd, GetFlagsRequest, 0, path);
            var wanted = (flags & ModifiableFlags) | ((uint)current & ExtentsFlag);
            Ioctl(fd, SetFlagsRequest, wanted, path);
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    private static ulong Ioctl(int fd, nuint request, ulong value, ReadOnlySpan<byte> path)
    {
        var argument = value;
        return LibC.Ioctl(fd, request, &argument) == 0 ? argument : throw PosixException.Last("ioctl", path);
    }
}
