using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>A fifo, socket or device: an empty blob in git, its type and rdev only in the .bupm.</summary>
internal sealed class SpecialNode : EntryNode
{
    private readonly NodeKind _kind;

    public SpecialNode(RepoContext context, NodeIdentity identity, SaveContext? save, TreeEntry entry, BupMetadata metadata, NodeKind kind)
        : base(context, identity, save, entry, metadata)
    {
        _kind = kind;
    }

    /// <inheritdoc/>
    public override NodeKind Kind => _kind;

    /// <inheritdoc/>
    protected override NodeAttributes ComputeAttributes() =>
        MetadataAttributes.From(EntryMetadata, _kind, 0, Inode, LinkCount());
}
