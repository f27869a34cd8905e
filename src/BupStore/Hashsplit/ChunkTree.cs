using System.Globalization;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Hashsplit;

/// <summary>
/// One level of a chunked file: each entry's start offset (its hex name) and object, validated so a
/// reader can binary-search it (docs/formats/hashsplit.md, "Names of chunk-tree entries" and "Reading back and seeking"). The first entry starts at 0 and offsets
/// strictly increase.
/// </summary>
public sealed class ChunkTree
{
    private ChunkTree(long[] offsets, ObjectId[] ids, bool[] isTree)
    {
        Offsets = offsets;
        Ids = ids;
        IsTree = isTree;
    }

    /// <summary>Start offset of each entry relative to this tree.</summary>
    public long[] Offsets { get; }

    /// <summary>Each entry's object.</summary>
    public ObjectId[] Ids { get; }

    /// <summary>Whether each entry is a subtree (else a chunk blob).</summary>
    public bool[] IsTree { get; }

    /// <summary>Builds the view of a parsed tree; <paramref name="where"/> names it in errors.</summary>
    public static ChunkTree From(IReadOnlyList<TreeEntry> entries, string where)
    {
        var n = entries.Count;
        var offsets = new long[n];
        var ids = new ObjectId[n];
        var isTree = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var e = entries[i];
            if (e.Name.Length > 16 || !long.TryParse(System.Text.Encoding.ASCII.GetString(e.Name), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var ofs)
                || ofs < 0 || (i == 0 ? ofs != 0 : ofs <= offsets[i - 1]))
            {
                throw new CorruptObjectException(where, $"chunk entry '{e.DisplayName}' is not an increasing hex offset");
            }

            if (e.Mode is not (GitFileMode.Tree or GitFileMode.Regular or GitFileMode.Executable))
            {
                throw new CorruptObjectException(where, $"chunk entry '{e.DisplayName}' has mode {e.Mode}");
            }

            offsets[i] = ofs;
            ids[i] = e.Id;
            isTree[i] = e.IsTree;
        }

        return new ChunkTree(offsets, ids, isTree);
    }

    /// <summary>Index of the entry that holds <paramref name="offset"/> (the last one starting at or before it).</summary>
    public int Find(long offset)
    {
        var i = Array.BinarySearch(Offsets, offset);
        return i >= 0 ? i : ~i - 1;
    }
}
