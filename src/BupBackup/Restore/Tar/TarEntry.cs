using BupStore.Formats;

namespace BupBackup.Restore.Tar;

/// <summary>
/// One member of a pax archive as <see cref="PaxTarWriter"/> writes it. Names, link names, user
/// and group names are raw bytes (not necessarily UTF-8).
/// </summary>
public sealed record TarEntry
{
    /// <summary>The member name, relative, '/'-separated; directories end with '/'.</summary>
    public required byte[] Name { get; init; }

    /// <summary>The member type.</summary>
    public required TarEntryType Type { get; init; }

    /// <summary>Permission bits (<c>S_IMODE</c>, 0o7777).</summary>
    public uint Mode { get; init; }

    /// <summary>Numeric owner id (negative ids are written as 0).</summary>
    public long Uid { get; init; }

    /// <summary>Numeric group id (negative ids are written as 0).</summary>
    public long Gid { get; init; }

    /// <summary>Owner name; empty when unknown.</summary>
    public byte[] UserName { get; init; } = [];

    /// <summary>Group name; empty when unknown.</summary>
    public byte[] GroupName { get; init; } = [];

    /// <summary>Content length of a regular file; 0 for every other type.</summary>
    public long Size { get; init; }

    /// <summary>Modification time (pax <c>mtime</c> keeps the nanoseconds).</summary>
    public BupTimespec Mtime { get; init; }

    /// <summary>Access time, written as pax <c>atime</c> when present.</summary>
    public BupTimespec? Atime { get; init; }

    /// <summary>Status change time, written as pax <c>ctime</c> when present.</summary>
    public BupTimespec? Ctime { get; init; }

    /// <summary>Symlink target, or the earlier member a hard link names.</summary>
    public byte[]? LinkName { get; init; }

    /// <summary>Device major number (devices only).</summary>
    public uint DeviceMajor { get; init; }

    /// <summary>Device minor number (devices only).</summary>
    public uint DeviceMinor { get; init; }

    /// <summary>Extended attributes, written as <c>SCHILY.xattr.NAME</c> records.</summary>
    public IReadOnlyList<ExtendedAttribute> Xattrs { get; init; } = [];

    /// <summary>Access ACL in libacl text form (<c>SCHILY.acl.access</c>), or null.</summary>
    public byte[]? AccessAcl { get; init; }

    /// <summary>Default ACL of a directory in libacl text form (<c>SCHILY.acl.default</c>), or null.</summary>
    public byte[]? DefaultAcl { get; init; }
}
