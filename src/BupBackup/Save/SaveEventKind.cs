namespace BupBackup.Save;

/// <summary>What the tree builder does with one index record, in index order.</summary>
internal enum SaveEventKind
{
    /// <summary>Outside every source: copy the record and its subtree to the new index.</summary>
    Copy,

    /// <summary>A directory above a source: pass it to the new index, remember it for metadata.</summary>
    Ancestor,

    /// <summary>A source begins with this record.</summary>
    SourceStart,

    /// <summary>The source that began last is complete.</summary>
    SourceEnd,

    /// <summary>A directory to descend into; its metadata job is attached.</summary>
    Directory,

    /// <summary>A directory whose stored tree is still right: use it whole.</summary>
    Reuse,

    /// <summary>A non-directory the index vouches for: stored without touching the disk.</summary>
    File,

    /// <summary>A non-directory to read; its job is attached (none while only measuring).</summary>
    Read,

    /// <summary>A non-directory left out by --smaller.</summary>
    TooLarge,
}
