// The lstat fields bup records (docs/formats/bupm.md, "The common record (tag 10)";
// docs/formats/saved-trees.md, "When bup considers a file changed"), from statx(2).
using BupStore.Formats;

namespace BupBackup.Posix;

/// <summary>What <c>lstat</c> reports about one path, with nanosecond times.</summary>
public readonly record struct FileStatus
{
    /// <summary>Device of the filesystem holding the inode (raw Linux dev_t).</summary>
    public ulong Device { get; init; }

    /// <summary>Inode number.</summary>
    public ulong Inode { get; init; }

    /// <summary>Full st_mode: type and permission bits.</summary>
    public uint Mode { get; init; }

    /// <summary>Number of hard links.</summary>
    public ulong LinkCount { get; init; }

    /// <summary>Owner id.</summary>
    public uint Uid { get; init; }

    /// <summary>Group id.</summary>
    public uint Gid { get; init; }

    /// <summary>Device number for character and block devices (raw Linux dev_t).</summary>
    public ulong Rdev { get; init; }

    /// <summary>Size in bytes (for symlinks: the target length).</summary>
    public long Size { get; init; }

    /// <summary>Last access time.</summary>
    public BupTimespec Atime { get; init; }

    /// <summary>Last modification time.</summary>
    public BupTimespec Mtime { get; init; }

    /// <summary>Last status change time.</summary>
    public BupTimespec Ctime { get; init; }

    /// <summary>The file type bits of <see cref="Mode"/>.</summary>
    public PosixFileType FileType => (PosixFileType)(Mode & 0xF000);
}
