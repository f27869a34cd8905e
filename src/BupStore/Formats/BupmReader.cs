// Pairs a save tree's entries with its .bupm records: docs/formats/saved-trees.md, "Reading a .bupm
// back" (vfs.py tree_data_and_bupm, ordered_tree_entries, tree_items), with the count check
// ("Counting the records") that
// bup 0.33 itself lacks.
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// Assigns .bupm records to tree entries: the first object describes the directory; then entries
/// sorted by demangled name take one object each unless they are subdirectories.
/// </summary>
/// <remarks>
/// Unlike bup 0.33, the object count is validated first (1 + the number of entries that take a
/// record): old bup could drop a record, which would shift every later one onto the wrong file. On
/// a mismatch the entries fall back to defaults and <see cref="BupmDirectory.Problem"/> says why.
/// Stateless and thread-safe.
/// </remarks>
public static class BupmReader
{
    /// <summary>Index of the <c>.bupm</c> entry in <paramref name="entries"/>, or −1 if the tree has none.</summary>
    public static int IndexOfBupm(IReadOnlyList<TreeEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Name.AsSpan().SequenceEqual(NameMangling.BupmName))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Pairs <paramref name="entries"/> with the records in <paramref name="bupmContent"/> (the joined
    /// content of the tree's .bupm blob or chunk tree). <paramref name="where"/> names the .bupm in errors.
    /// </summary>
    /// <exception cref="CorruptObjectException">The .bupm content cannot be decoded.</exception>
    public static BupmDirectory Read(IReadOnlyList<TreeEntry> entries, ReadOnlySpan<byte> bupmContent, string where)
    {
        var items = SortedItems(entries);
        var records = Bupm.ReadAll(bupmContent, where);
        var expected = 1 + items.Count(static item => item.HasRecord);
        if (records.Count != expected)
        {
            var problem = $"{where}: .bupm holds {records.Count} metadata objects but the tree needs {expected}; "
                + "using default metadata for its entries";
            return new BupmDirectory(BupmStatus.CountMismatch, records.Count > 0 ? records[0] : null, items, problem);
        }

        var next = 1;
        foreach (var item in items.Where(static item => item.HasRecord))
        {
            item.Metadata = records[next++];
        }

        return new BupmDirectory(BupmStatus.Present, records[0], items, null);
    }

    /// <summary>The entries of a tree that has no .bupm, each with default metadata.</summary>
    public static BupmDirectory WithoutBupm(IReadOnlyList<TreeEntry> entries) =>
        new(BupmStatus.Absent, null, SortedItems(entries), null);

    // bup sorts by demangled name with Python's stable sort; the index tie-break keeps that stability.
    private static BupmItem[] SortedItems(IReadOnlyList<TreeEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var items = new List<(BupmItem Item, int Index)>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Name.AsSpan().SequenceEqual(NameMangling.BupmName))
            {
                continue;
            }

            var name = NameMangling.Demangle(entry.Name, entry.Mode, out var isChunked);
            items.Add((new BupmItem(entry, name.ToArray(), isChunked), items.Count));
        }

        items.Sort(static (a, b) =>
        {
            var order = a.Item.Name.AsSpan().SequenceCompareTo(b.Item.Name);
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });
        return [.. items.Select(static pair => pair.Item)];
    }
}
