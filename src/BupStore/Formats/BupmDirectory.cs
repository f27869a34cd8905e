// A save-tree directory's entries with their metadata (docs/formats/saved-trees.md, "Reading a .bupm back"
// and "Counting the records"; docs/formats/vfs-layout.md, "Modes, sizes and times").
namespace BupStore.Formats;

/// <summary>
/// The result of <see cref="BupmReader"/>: the directory's own metadata and every entry except
/// <c>.bupm</c>, sorted byte-wise by demangled name (the .bupm order, not git tree order).
/// </summary>
public sealed class BupmDirectory
{
    internal BupmDirectory(BupmStatus status, BupMetadata? metadata, BupmItem[] items, string? problem)
    {
        Status = status;
        Metadata = metadata;
        Items = items;
        Problem = problem;
    }

    /// <summary>Whether records were assigned, absent, or rejected for a count mismatch.</summary>
    public BupmStatus Status { get; }

    /// <summary>The directory's own record (first object of the .bupm); null if absent or empty.</summary>
    public BupMetadata? Metadata { get; }

    /// <summary>Entries sorted by demangled name; equal names keep tree order.</summary>
    public IReadOnlyList<BupmItem> Items { get; }

    /// <summary>A one-line description of a count mismatch, fit to report; null otherwise.</summary>
    public string? Problem { get; }

    /// <summary>The directory's metadata as bup shows it: the record with a missing size forced to 0,
    /// or the default directory metadata.</summary>
    public BupMetadata ResolveDirectory()
    {
        if (Metadata is null)
        {
            return MetadataDefaults.Directory();
        }

        if (Metadata.Size is not null)
        {
            return Metadata;
        }

        var copy = Metadata.Clone();
        copy.Size = 0;
        return copy;
    }

    /// <summary>Index of the first item whose demangled name equals <paramref name="name"/>, or −1.</summary>
    public int IndexOf(ReadOnlySpan<byte> name)
    {
        int low = 0, high = Items.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = Items[middle].Name.AsSpan().SequenceCompareTo(name);
            if (order >= 0)
            {
                found = order == 0 ? middle : found;
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }

        return found;
    }
}
