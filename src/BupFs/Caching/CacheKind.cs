namespace BupFs.Caching;

/// <summary>What a cached value derived from an object is; part of the cache key.</summary>
internal enum CacheKind : byte
{
    /// <summary>An inflated blob (file chunk or whole small file).</summary>
    Blob,

    /// <summary>A parsed chunk tree of a hashsplit file.</summary>
    ChunkTree,

    /// <summary>A save-tree directory with its .bupm records assigned (a TreeListing).</summary>
    Listing,

    /// <summary>A parsed commit.</summary>
    Commit,

    /// <summary>The named saves reachable from a branch tip (a SaveList).</summary>
    SaveList,

    /// <summary>The hardlink groups of one save (a HardlinkIndex).</summary>
    Hardlinks,

    /// <summary>What a tag ref points at after peeling (a TagTarget).</summary>
    TagTarget,
}
