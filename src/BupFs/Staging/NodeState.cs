namespace BupFs.Staging;

/// <summary>Where a staged node's content lives.</summary>
internal enum NodeState
{
    /// <summary>In the base save: a file's object, or a directory whose entries were not listed yet.</summary>
    Base = 0,

    /// <summary>A directory whose entries are rows of the staging database (authoritative from then on).</summary>
    Listed = 1,

    /// <summary>A regular file whose content is its spool file (data/INODE).</summary>
    Spooled = 2,

    /// <summary>
    /// A directory the base save holds in a form staging cannot rewrite faithfully (damaged .bupm,
    /// hidden entries): listed for reading, refused for writing, so a commit never drops what it holds.
    /// </summary>
    Frozen = 3,
}
