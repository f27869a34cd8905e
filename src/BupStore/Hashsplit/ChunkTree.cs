using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Hashsplit;

/// <summary>
/// One level of a chunked file: each entry's start offset (its hex name) and object, validated so a
/// reader can binary-search it (docs/formats/hashsplit.md, "Names of chunk-tree entries" and "Reading back and seeking"). This is the one definition of a valid
/// chunk tree every reader shares (the mount and cat-file through <see cref="ChunkedFileReader"/>,
/// restore and join through <see cref="ChunkTreeWalker"/>): entries are chunk blobs (mode 100644) or
/// subtrees (40000), as bup's hashsplit writes them (bup's own reader asserts that the object type
/// agrees with the mode); names are lowercase hex offsets, the first 0, strictly increasing; and,
/// checked as a reader descends, every entry spans exactly the bytes from its offset to the next
/// entry's (or to the end its parent gives the tree).
/// </summary>
public sealed class ChunkTree
{
    private const int MaxNameLength = 16;

    private ChunkTree(ObjectId id, long[] offsets, ObjectId[] ids, bool[] isTree)
    {
        Id = id;
        Offsets = offsets;
        Ids = ids;
        IsTree = isTree;
    }

    /// <summary>The tree's own id (named in errors).</summary>
    public ObjectId Id { get; }

    /// <summary>Start offset of each entry relative to this tree.</summary>
    public long[] Offsets { get; }

    /// <summary>Each entry's object.</summary>
    public ObjectId[] Ids { get; }

    /// <summary>Whether each entry is a subtree (else a chunk blob).</summary>
    public bool[] IsTree { get; }

    /// <summary>"chunk tree ID": how errors name it.</summary>
    public string Where => $"chunk tree {Id}";

    /// <summary>Builds the view of parsed tree <paramref name="id"/>; throws <see cref="CorruptObjectException"/> when it is no chunk tree.</summary>
    public static ChunkTree From(ObjectId id, IReadOnlyList<TreeEntry> entries)
    {
        var where = $"chunk tree {id}";
        var n = entries.Count;
        var offsets = new long[n];
        var ids = new ObjectId[n];
        var isTree = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var e = entries[i];
            if (!TryParseOffset(e.Name, out var ofs) || (i == 0 ? ofs != 0 : ofs <= offsets[i - 1]))
            {
                throw new CorruptObjectException(where, $"entry '{e.DisplayName}' is not the running hex offset (names must start at 0 and increase)");
            }

            if (!IsEntryMode(e.Mode))
            {
                throw new CorruptObjectException(where, $"entry '{e.DisplayName}' has mode {Convert.ToString((int)e.Mode, 8)}, not a chunk (100644) or subtree (40000)");
            }

            offsets[i] = ofs;
            ids[i] = e.Id;
            isTree[i] = e.IsTree;
        }

        return new ChunkTree(id, offsets, ids, isTree);
    }

    /// <summary>The modes a chunk tree's entries may have: chunk blobs (100644) and subtrees (40000).</summary>
    internal static bool IsEntryMode(GitFileMode mode) => mode is GitFileMode.Tree or GitFileMode.Regular;

    // bup names entries '%0*x': lowercase hex digits only (Python's int(name, 16) would also take
    // "0x", signs, blanks and underscores, which no bup ever wrote). fsck parses with this too.
    internal static bool TryParseOffset(ReadOnlySpan<byte> name, out long offset)
    {
        offset = 0;
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        ulong value = 0;
        foreach (var c in name)
        {
            var digit = c is >= (byte)'0' and <= (byte)'9' ? c - '0' : c is >= (byte)'a' and <= (byte)'f' ? c - 'a' + 10 : -1;
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        offset = (long)value;
        return value <= long.MaxValue;
    }

    /// <summary>Index of the entry that holds <paramref name="offset"/> (the last one starting at or before it).</summary>
    public int Find(long offset)
    {
        var i = Array.BinarySearch(Offsets, offset);
        return i >= 0 ? i : ~i - 1;
    }

    /// <summary>
    /// The bytes entry <paramref name="i"/> must span: up to the next entry's offset, or for the last
    /// entry up to <paramref name="extent"/> (the tree's own span); -1 when that is unknown (the
    /// file's rightmost path, whose end the last chunk itself decides).
    /// </summary>
    public long EntrySpan(int i, long extent) =>
        i + 1 < Offsets.Length ? Offsets[i + 1] - Offsets[i] : extent < 0 ? -1 : extent - Offsets[i];

    /// <summary>
    /// Checks this tree as the subtree that must span <paramref name="extent"/> bytes (-1: unknown)
    /// at nesting <paramref name="depth"/>: below the top it holds something, and its last entry
    /// starts inside the span. Every reader calls this as it descends.
    /// </summary>
    public void CheckSpan(long extent, int depth)
    {
        if (depth >= ChunkedFileReader.MaxDepth)
        {
            throw new CorruptObjectException(Where, "chunk trees nested too deep");
        }

        if (depth > 0 && Offsets.Length == 0)
        {
            throw new CorruptObjectException(Where, "empty chunk tree inside a file");
        }

        if (extent >= 0 && Offsets.Length > 0 && Offsets[^1] >= extent)
        {
            throw new CorruptObjectException(Where, $"last entry starts at {Offsets[^1]:x}, past the {extent} bytes its parent gives this tree");
        }
    }

    /// <summary>Throws unless chunk <paramref name="i"/>, <paramref name="actual"/> bytes long, spans what the offsets say.</summary>
    public void CheckChunkLength(int i, long extent, long actual)
    {
        var span = EntrySpan(i, extent);
        if (span >= 0 && actual != span)
        {
            throw new CorruptObjectException(Where, $"chunk {Ids[i]} at {Offsets[i]:x} holds {actual} bytes where the offsets give it {span}");
        }
    }
}
