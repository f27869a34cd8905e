// A save-tree directory with its .bupm records assigned (docs/formats/saved-trees.md, "Reading a
// .bupm back" and "Counting the records"; docs/formats/vfs-layout.md, "Modes, sizes and times";
// vfs.py tree_items_with_meta).
using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Repo;

/// <summary>
/// The entries of one save tree with demangled names and metadata, sorted by name, plus the
/// directory's own record. Built once per tree id and shared through the cache.
/// </summary>
/// <remarks>
/// Immutable once built. A .bupm that cannot be read or whose record count does not match the tree
/// is reported and replaced by defaults: the entries stay reachable, only their metadata is lost.
/// Entries whose names cannot appear in a directory, duplicate names and git submodules are hidden.
/// </remarks>
internal sealed class TreeListing
{
    // Far above any real .bupm (a record is ~60 bytes), low enough to refuse absurd chunk trees.
    private const long MaxBupmBytes = 512L * 1024 * 1024;

    private TreeListing(BupMetadata? directoryMetadata, ListingEntry[] entries)
    {
        DirectoryMetadata = directoryMetadata;
        Entries = entries;
        SubdirectoryCount = entries.Count(static e => e.Kind == NodeKind.Directory);
        EstimatedSize = 128 + entries.Sum(static e => 160L + (2 * e.Name.Length) + EstimateSize(e.Metadata));
    }

    /// <summary>The directory's own record, as bup shows it (defaults when absent).</summary>
    public BupMetadata? DirectoryMetadata { get; }

    /// <summary>The visible entries, sorted byte-wise by name, names unique.</summary>
    public IReadOnlyList<ListingEntry> Entries { get; }

    /// <summary>How many entries are directories.</summary>
    public int SubdirectoryCount { get; }

    /// <summary>Estimated bytes retained, for the cache bound.</summary>
    public long EstimatedSize { get; }

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public ListingEntry? Find(ReadOnlySpan<byte> name)
    {
        int low = 0, high = Entries.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = Entries[middle].Name.AsSpan().SequenceCompareTo(name);
            if (order == 0)
            {
                return Entries[middle];
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return null;
    }

    /// <summary>Reads tree <paramref name="tree"/> and its .bupm; problems worked around go to <paramref name="warn"/>.</summary>
    public static TreeListing Load(ObjectStore store, ObjectId tree, Action<string> warn)
    {
        var entries = store.ReadTree(tree);
        var directory = ReadBupmDirectory(store, tree, entries, warn);
        var visible = new List<ListingEntry>(directory.Items.Count);
        foreach (var item in directory.Items)
        {
            if (ToEntry(item, tree, warn) is { } entry)
            {
                if (visible.Count > 0 && visible[^1].Name.AsSpan().SequenceEqual(entry.Name))
                {
                    warn($"tree {tree}: a second entry named '{NameText.Display(entry.Name)}' is hidden");
                    continue;
                }

                visible.Add(entry);
            }
        }

        return new TreeListing(directory.Metadata, [.. visible]);
    }

    private static BupmDirectory ReadBupmDirectory(ObjectStore store, ObjectId tree, List<TreeEntry> entries, Action<string> warn)
    {
        var index = BupmReader.IndexOfBupm(entries);
        if (index < 0)
        {
            return BupmReader.WithoutBupm(entries);
        }

        var where = $".bupm {entries[index].Id} of tree {tree}";
        try
        {
            var directory = BupmReader.Read(entries, ReadContent(store, entries[index], where), where);
            if (directory.Problem is { } problem)
            {
                warn(problem);
            }

            return directory;
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            warn($"{where}: {e.Message}; using default metadata");
            return BupmReader.WithoutBupm(entries);
        }
    }

    // The .bupm is read around the cache: it is decoded once into the listing, which is cached.
    private static byte[] ReadContent(ObjectStore store, TreeEntry bupm, string where)
    {
        if (!bupm.IsTree)
        {
            return store.Read(bupm.Id, ObjectType.Blob);
        }

        var reader = new ChunkedFileReader(new StoreChunkSource(store), GitFileMode.Tree, bupm.Id);
        var length = reader.Length;
        if (length > MaxBupmBytes)
        {
            throw new CorruptObjectException(where, $"chunked .bupm of {length} bytes is implausibly large");
        }

        var content = new byte[length];
        return reader.Read(0, content) == length ? content : throw new CorruptObjectException(where, "chunked .bupm is shorter than its chunk names say");
    }

    private static ListingEntry? ToEntry(BupmItem item, ObjectId tree, Action<string> warn)
    {
        if (!VfsPath.IsValidName(item.Name))
        {
            warn($"tree {tree}: entry '{item.Entry.DisplayName}' has a name no directory can hold; hidden");
            return null;
        }

        if (item.IsDirectory)
        {
            return new ListingEntry(item.Name, item.Entry, false, NodeKind.Directory, null);
        }

        var metadata = WithUsableMode(item);
        if (metadata is null)
        {
            warn($"tree {tree}: entry '{item.Entry.DisplayName}' has git mode {item.Entry.Mode}, which bup cannot show; hidden");
            return null;
        }

        var kind = item.IsChunked ? NodeKind.File : MetadataAttributes.KindOf(metadata.Mode) ?? NodeKind.File;
        return new ListingEntry(item.Name, item.Entry, item.IsChunked, kind, metadata);
    }

    // A record without a common part (mode 0) or claiming a directory for a non-tree entry keeps its
    // other fields but takes the default mode of the git entry.
    private static BupMetadata? WithUsableMode(BupmItem item)
    {
        var metadata = item.Resolve();
        if (metadata is null || (MetadataAttributes.KindOf(metadata.Mode) is { } kind && kind != NodeKind.Directory))
        {
            return metadata;
        }

        if (MetadataDefaults.ModeFor(item.Entry.Mode, item.IsChunked) is not { } mode)
        {
            return null;
        }

        var copy = metadata.Clone();
        copy.Mode = mode;
        return copy;
    }

    private static long EstimateSize(BupMetadata? metadata) =>
        metadata is null ? 0 : 200L + metadata.User.Length + metadata.Group.Length
            + (metadata.SymlinkTarget?.Length ?? 0) + (metadata.HardlinkTarget?.Length ?? 0)
            + metadata.Xattrs.Sum(static x => 32L + x.Name.Length + x.Value.Length)
            + (metadata.Acl is { } acl ? acl.Access.Length + acl.AccessNumeric.Length + acl.Default.Length + acl.DefaultNumeric.Length : 0);
}
