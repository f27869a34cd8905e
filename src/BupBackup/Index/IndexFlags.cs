namespace BupBackup.Index;

/// <summary>State bits of one index record (stored as a 16-bit field).</summary>
[Flags]
public enum IndexFlags : ushort
{
    /// <summary>No bits set.</summary>
    None = 0,

    /// <summary>The object id names what is on disk now: content (or, for a directory, the whole
    /// subtree's tree) need not be read again. bup's IX_HASHVALID.</summary>
    HashValid = 0x1,

    /// <summary>The ctime or mtime was so close to the moment of the stat that a later change could
    /// keep the same timestamps; the next index run treats the record as changed (bup's tmax).</summary>
    Racy = 0x2,

    /// <summary>A directory that exists only in the archive layout (an ancestor of an index graft
    /// point); it has no real path and saves with empty metadata.</summary>
    Synthetic = 0x4,
}
