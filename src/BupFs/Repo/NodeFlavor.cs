namespace BupFs.Repo;

/// <summary>How a node's identity (and so its inode number) is derived.</summary>
internal enum NodeFlavor : byte
{
    /// <summary>The root directory, inode 1.</summary>
    Root,

    /// <summary>A plain name in a directory: (parent, name).</summary>
    Entry,

    /// <summary>A name that stands for an object: (parent, name, object id) — saves and tags.</summary>
    Versioned,

    /// <summary>A folder grouping refs with '/' in their names: (parent, name).</summary>
    Folder,

    /// <summary>A hardlink group of one save: (save, hardlink target).</summary>
    Hardlink,
}
