using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>A directory inside a save or tag: a save tree shown with its .bupm metadata.</summary>
/// <remarks>Immutable and thread-safe; the listing lives in the shared cache, keyed by tree id.</remarks>
internal class TreeDirectory : RepoNode
{
    /// <summary>Directory <paramref name="path"/> ("/" for the root) of <paramref name="save"/>, tree <paramref name="tree"/>.</summary>
    public TreeDirectory(RepoContext context, NodeIdentity identity, SaveContext save, ObjectId tree, string path)
        : base(context, identity)
    {
        Save = save;
        Tree = tree;
        Path = path;
    }

    /// <summary>The directory's path inside its save, for messages (display form of its names).</summary>
    public string Path { get; }

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
    // A damaged .bupm is reported with the path it was first reached by (the listing is shared by
    // every directory with the same tree).
    protected virtual TreeListing Listing => Context.GetListing(Tree, Save, Path);

    /// <summary>The path of entry <paramref name="name"/> of this directory, for messages.</summary>
    public string ChildPath(byte[] name) => $"{Path.TrimEnd('/')}/{NameText.Display(name)}";

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
