using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>A directory inside a save or tag: a save tree shown with its .bupm metadata.</summary>
/// <remarks>Immutable and thread-safe; the listing lives in the shared cache, keyed by tree id.</remarks>
internal class TreeDirectory : RepoNode
{
    public TreeDirectory(RepoContext context, NodeIdentity identity, SaveContext save, ObjectId tree)
        : base(context, identity)
    {
        Save = save;
        Tree = tree;
    }

    /// <summary>The save this directory belongs to.</summary>
    public SaveContext Save { get; }

    /// <summary>The directory's tree.</summary>
    public ObjectId Tree { get; }

    /// <inheritdoc/>
    public override NodeKind Kind => NodeKind.Directory;

    /// <inheritdoc/>
    public override bool Immutable => true;

    /// <inheritdoc/>
    public override BupMetadata? Metadata => Listing.DirectoryMetadata;

    /// <inheritdoc/>
    public override ObjectId? ObjectId => Tree;

    /// <summary>The directory's entries (cached per tree id).</summary>
    protected TreeListing Listing => Context.GetListing(Tree);

    /// <inheritdoc/>
    public override RepoNode? Find(ReadOnlySpan<byte> name) =>
        Listing.Find(name) is { } entry ? EntryNodes.Create(this, entry) : null;

    /// <inheritdoc/>
    public override IEnumerable<(byte[] Name, RepoNode Node)> List()
    {
        var listing = Listing;
        var result = new List<(byte[], RepoNode)>(listing.Entries.Count);
        foreach (var entry in listing.Entries)
        {
            result.Add((entry.Name, EntryNodes.Create(this, entry)));
        }

        return result;
    }

    /// <inheritdoc/>
    protected override NodeAttributes ComputeAttributes()
    {
        var listing = Listing;
        var metadata = listing.DirectoryMetadata ?? MetadataDefaults.Directory();
        return MetadataAttributes.From(metadata, NodeKind.Directory, 0, Inode, (uint)(2 + listing.SubdirectoryCount));
    }
}
