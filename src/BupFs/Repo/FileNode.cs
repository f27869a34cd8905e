using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>A regular file: one blob, or a hashsplit chunk tree read in O(log n) per offset.</summary>
internal sealed class FileNode : EntryNode
{
    private ChunkedFileReader? _reader;

    public FileNode(RepoContext context, NodeIdentity identity, SaveContext? save, TreeEntry entry, BupMetadata metadata)
        : base(context, identity, save, entry, metadata)
    {
    }

    /// <inheritdoc/>
    public override NodeKind Kind => NodeKind.File;

    private ChunkedFileReader Reader => _reader ??= new ChunkedFileReader(Context.Cache, Entry.IsTree ? GitFileMode.Tree : GitFileMode.Regular, Entry.Id);

    /// <inheritdoc/>
    public override RepoFileHandle Open() => new(Inode, Reader);

    // The record's size when there is one (bup's); else the chunk tree's, found without reading data.
    protected override NodeAttributes ComputeAttributes() =>
        MetadataAttributes.From(EntryMetadata, NodeKind.File, EntryMetadata.Size ?? Reader.Length, Inode, LinkCount());
}
