namespace BupBackup.Restore;

/// <summary>How a path argument is restored (bup restore's rules).</summary>
internal enum RestorePathMode
{
    /// <summary><c>/b/latest/dir</c>: the node itself, under its own name.</summary>
    Item,

    /// <summary><c>/b/latest/dir/</c>: the directory's entries, straight into the destination.</summary>
    Contents,

    /// <summary><c>/b/latest/dir/.</c>: the entries, then the directory's metadata onto the destination itself.</summary>
    ContentsAndSelf,
}
