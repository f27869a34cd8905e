using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>A symbolic link: the target from the .bupm record, else from the git blob.</summary>
internal sealed class SymlinkNode : EntryNode
{
    private byte[]? _target;

    public SymlinkNode(RepoContext context, NodeIdentity identity, SaveContext? save, TreeEntry entry, BupMetadata metadata)
        : base(context, identity, save, entry, metadata)
    {
    }

    /// <inheritdoc/>
    public override NodeKind Kind => NodeKind.Symlink;

    /// <inheritdoc/>
    public override byte[] ReadLink() => (byte[])Target.Clone();

    private byte[] Target => _target ??= EntryMetadata.SymlinkTarget is { Length: > 0 } target ? target : Context.Cache.GetBlob(Entry.Id);

    /// <inheritdoc/>
    protected override NodeAttributes ComputeAttributes() =>
        MetadataAttributes.From(EntryMetadata, NodeKind.Symlink, Target.Length, Inode, LinkCount());
}
