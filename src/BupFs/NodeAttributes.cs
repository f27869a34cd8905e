namespace BupFs;

/// <summary>
/// What stat reports for a node. <see cref="Mode"/> holds the full POSIX st_mode, type bits
/// included (e.g. 0o100644), because the repository records exactly that; hosts that need a
/// different form derive it from <see cref="Kind"/> and the permission bits.
/// </summary>
public readonly record struct NodeAttributes
{
    /// <summary>The node type.</summary>
    public NodeKind Kind { get; init; }

    /// <summary>Full st_mode including the S_IFMT type bits.</summary>
    public uint Mode { get; init; }

    /// <summary>Size in bytes (symlinks: the target length; directories: 0).</summary>
    public long Size { get; init; }

    /// <summary>Inode number shown to users (also the host's node id for this node).</summary>
    public ulong Inode { get; init; }

    /// <summary>Hard link count.</summary>
    public uint LinkCount { get; init; }

    /// <summary>Owner user id.</summary>
    public uint Uid { get; init; }

    /// <summary>Owner group id.</summary>
    public uint Gid { get; init; }

    /// <summary>Device number for character and block devices (Linux dev_t encoding), else 0.</summary>
    public ulong RawDevice { get; init; }

    /// <summary>Last access time.</summary>
    public FsTime AccessTime { get; init; }

    /// <summary>Last modification time.</summary>
    public FsTime ModifyTime { get; init; }

    /// <summary>Last status change time.</summary>
    public FsTime ChangeTime { get; init; }

    /// <summary>
    /// True when neither the node's attributes nor its content (listing, data, target) can ever
    /// change, so hosts may let the kernel cache them for as long as it likes. False for views
    /// that follow the refs (the root, branch folders), which hosts cache only briefly.
    /// </summary>
    public bool Immutable { get; init; }
}
