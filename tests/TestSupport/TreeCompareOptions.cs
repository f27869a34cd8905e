namespace TestSupport;

/// <summary>Which properties <see cref="TreeComparer"/> checks beyond names, types, content and permissions.</summary>
public sealed record TreeCompareOptions
{
    /// <summary>uid and gid.</summary>
    public bool Owners { get; init; } = true;

    /// <summary>mtime to the nanosecond, for files, symlinks and folders.</summary>
    public bool Mtime { get; init; } = true;

    /// <summary>mtime of folders (a restore that is still writing into a folder cannot keep it).</summary>
    public bool FolderMtime { get; init; } = true;

    /// <summary>mtime of symlinks.</summary>
    public bool SymlinkMtime { get; init; } = true;

    /// <summary>atime (reading the source changes it, so off by default).</summary>
    public bool Atime { get; init; }

    /// <summary>Extended attributes, ACLs included (they are the system.posix_acl_* attributes).</summary>
    public bool Xattrs { get; init; } = true;

    /// <summary>Hardlink groups: the same paths share an inode on both sides, with the same link counts.</summary>
    public bool Hardlinks { get; init; } = true;

    /// <summary>A file sparse in the source must not take much more disk space in the copy.</summary>
    public bool Sparse { get; init; }

    /// <summary>Compare the two roots' own metadata too.</summary>
    public bool Root { get; init; }

    /// <summary>Relative paths (Mono.Unix strings) to leave out, e.g. a socket the copy cannot hold.</summary>
    public Func<string, bool> Ignore { get; init; } = _ => false;
}
