using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Staging;

/// <summary>
/// One node of a staging tree as the staging database holds it (docs/formats/staging.md): its
/// bup metadata record, its link count, and where its content is: the base save's object, a
/// spool file, or (for directories) the rows of its entries once listed.
/// </summary>
/// <remarks>A value copied out of the database; change it and write it back under the store's lock.</remarks>
internal sealed class StagedNode
{
    /// <summary>The inode number, also the host's node id.</summary>
    public ulong Inode { get; init; }

    /// <summary>The node type.</summary>
    public NodeKind Kind { get; init; }

    /// <summary>
    /// The bup record (for a directory: the first record of its own .bupm). Null only for a base
    /// directory whose record has not been read yet.
    /// </summary>
    public BupMetadata? Metadata { get; set; }

    /// <summary>Names the node has (0 for an unlinked node kept while open).</summary>
    public uint LinkCount { get; set; }

    /// <summary>Content length (files), target length (symlinks), 0 otherwise.</summary>
    public long Size { get; set; }

    /// <summary>The git mode of the base content (Regular or Tree for files, Tree for directories), or None.</summary>
    public GitFileMode BaseMode { get; set; }

    /// <summary>The base content: a file's blob or chunk tree, a directory's tree, a symlink's blob.</summary>
    public ObjectId? BaseId { get; set; }

    /// <summary>The git mode of the stored form of the spool file's content (split after close), or None.</summary>
    public GitFileMode SplitMode { get; set; }

    /// <summary>The stored form of the spool file's content, valid while the content does not change; null when not split yet.</summary>
    public ObjectId? SplitId { get; set; }

    /// <summary>Where the content is (see <see cref="NodeState"/>).</summary>
    public NodeState State { get; set; }

    /// <summary>True when the next commit must write this node anew (content, record, or for a directory its entries).</summary>
    public bool Dirty { get; set; }

    /// <summary>A copy whose metadata can change without touching this one.</summary>
    public StagedNode Copy() => new()
    {
        Inode = Inode,
        Kind = Kind,
        Metadata = Metadata?.Clone(),
        LinkCount = LinkCount,
        Size = Size,
        BaseMode = BaseMode,
        BaseId = BaseId,
        SplitMode = SplitMode,
        SplitId = SplitId,
        State = State,
        Dirty = Dirty,
        Origin = Origin,
    };

    /// <summary>The node's path in the base save ("a/b"), or null for nodes created while staging (for status).</summary>
    public byte[]? Origin { get; set; }
}
