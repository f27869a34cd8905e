// bup metadata -> stat as `bup fuse --meta` shows it (docs/formats/bupm.md, "The common record (tag 10)";
// docs/formats/vfs-layout.md, "Modes, sizes and times").
using BupStore.Formats;

namespace BupFs.Repo;

/// <summary>Builds <see cref="NodeAttributes"/> from bup metadata records and from the view's own defaults.</summary>
internal static class MetadataAttributes
{
    /// <summary>0o40755, the mode of folders the view makes up (root, refs, branches).</summary>
    public const uint DirectoryMode = MetadataDefaults.DirectoryMode;

    /// <summary>0o120755, the mode of made-up symlinks (latest).</summary>
    public const uint SymlinkMode = MetadataDefaults.SymlinkMode;

    // What Linux shows for ids it cannot map (overflowuid): a record from another system may hold
    // ids beyond 32 bits or negative ones.
    private const uint OverflowId = 65534;

    /// <summary>The node kind the type bits of <paramref name="mode"/> name; null for none or unknown bits.</summary>
    public static NodeKind? KindOf(uint mode) => (PosixFileType)(mode & 0xF000) switch
    {
        PosixFileType.Regular => NodeKind.File,
        PosixFileType.Directory => NodeKind.Directory,
        PosixFileType.Symlink => NodeKind.Symlink,
        PosixFileType.Fifo => NodeKind.Fifo,
        PosixFileType.Socket => NodeKind.Socket,
        PosixFileType.CharacterDevice => NodeKind.CharDevice,
        PosixFileType.BlockDevice => NodeKind.BlockDevice,
        _ => null,
    };

    /// <summary>The S_IFMT bits of <paramref name="kind"/>.</summary>
    public static uint TypeBits(NodeKind kind) => (uint)kind.ToFileType();

    /// <summary>
    /// The attributes a record describes, for a node of <paramref name="kind"/> (which wins over the
    /// record's type bits should they disagree) and <paramref name="size"/> bytes.
    /// </summary>
    public static NodeAttributes From(BupMetadata metadata, NodeKind kind, long size, ulong inode, uint links) => new()
    {
        Kind = kind,
        Mode = TypeBits(kind) | metadata.Permissions,
        Size = size,
        Inode = inode,
        LinkCount = links,
        Uid = Id(metadata.Uid),
        Gid = Id(metadata.Gid),
        RawDevice = kind is NodeKind.CharDevice or NodeKind.BlockDevice ? unchecked((ulong)metadata.Rdev) : 0,
        AccessTime = Time(metadata.Atime),
        ModifyTime = Time(metadata.Mtime),
        ChangeTime = Time(metadata.Ctime),
        Immutable = true,
    };

    /// <summary>Attributes of a node the view makes up: owner 0, all three times <paramref name="time"/>.</summary>
    public static NodeAttributes Synthetic(NodeKind kind, uint mode, long size, ulong inode, uint links, FsTime time, bool immutable) => new()
    {
        Kind = kind,
        Mode = mode,
        Size = size,
        Inode = inode,
        LinkCount = links,
        AccessTime = time,
        ModifyTime = time,
        ChangeTime = time,
        Immutable = immutable,
    };

    /// <summary>The time of a record field.</summary>
    public static FsTime Time(BupTimespec time) => new(time.Seconds, time.Nanoseconds);

    private static uint Id(long id) => id is >= 0 and <= uint.MaxValue ? (uint)id : OverflowId;
}
