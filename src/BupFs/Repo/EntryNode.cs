using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>A non-directory entry of a save or tag: its git object and its metadata record.</summary>
internal abstract class EntryNode : RepoNode
{
    protected EntryNode(RepoContext context, NodeIdentity identity, SaveContext? save, TreeEntry entry, BupMetadata metadata)
        : base(context, identity)
    {
        Save = save;
        Entry = entry;
        EntryMetadata = metadata;
    }

    /// <summary>The save the entry belongs to (null for a tagged blob).</summary>
    public SaveContext? Save { get; }

    /// <summary>The git tree entry (mode and object).</summary>
    public TreeEntry Entry { get; }

    /// <inheritdoc/>
    public override BupMetadata Metadata => EntryMetadata;

    /// <inheritdoc/>
    public override ObjectId? ObjectId => Entry.Id;

    /// <inheritdoc/>
    public override bool Immutable => true;

    /// <summary>The record (or default) the attributes come from.</summary>
    protected BupMetadata EntryMetadata { get; }

    /// <summary>The number of entries of the save in this node's hardlink group (1 for none).</summary>
    protected uint LinkCount() =>
        Identity.Flavor == NodeFlavor.Hardlink && Save is not null
            ? (uint)Context.GetHardlinks(Save).CountOf(Identity.Name)
            : 1;
}
