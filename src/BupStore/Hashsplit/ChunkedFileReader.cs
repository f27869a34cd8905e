using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Hashsplit;

/// <summary>
/// Random access to a file stored as a blob or a chunk tree: a read at any offset descends the
/// fanout trees by binary search over the hex offsets in the entry names, so it costs O(log n)
/// object reads (docs/formats/hashsplit.md, "Reading back and seeking").
/// </summary>
/// <remarks>Thread-safe when the source is; the only state kept between reads is an immutable hint.</remarks>
public sealed class ChunkedFileReader
{
    /// <summary>How deep chunk trees may nest: real ones are a few levels; deeper ones are hostile.</summary>
    public const int MaxDepth = 32;

    private readonly IChunkSource _source;
    private readonly ObjectId _top;
    private readonly bool _topIsTree;
    private long _length = -1;
    private Leaf? _lastLeaf;

    /// <summary>Reads the file whose entry is (<paramref name="mode"/>, <paramref name="top"/>).</summary>
    public ChunkedFileReader(IChunkSource source, GitFileMode mode, ObjectId top)
    {
        _source = source;
        _top = top;
        _topIsTree = mode == GitFileMode.Tree;
    }

    /// <summary>The file size: the last entry's offset at each level plus the last blob's length.</summary>
    public long Length
    {
        get
        {
            if (_length < 0)
            {
                _length = ComputeLength();
            }

            return _length;
        }
    }

    private long ComputeLength()
    {
        long size = 0;
        var id = _top;
        var isTree = _topIsTree;
        for (var depth = 0; isTree; depth++)
        {
            var tree = Descend(id, -1, depth);
            if (tree.Ids.Length == 0)
            {
                return size;
            }

            size += tree.Offsets[^1];
            isTree = tree.IsTree[^1];
            id = tree.Ids[^1];
        }

        return size + _source.GetBlob(id).Length;
    }

    /// <summary>Copies bytes at <paramref name="offset"/> into <paramref name="buffer"/>; returns the count (0 at EOF).</summary>
    /// <remarks>
    /// Chunks the buffer covers whole are put straight into it (<see cref="IChunkSource.TryReadBlobInto"/>);
    /// only the chunks cut by the buffer's ends go through <see cref="IChunkSource.GetBlob"/>.
    /// </remarks>
    public int Read(long offset, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var pos = offset + done;
            if (!TryLocate(pos, out var blob, out var blobStart, out var blobEnd, out var leaf))
            {
                break;
            }

            var whole = blobEnd == long.MaxValue ? Length - blobStart : blobEnd - blobStart;
            if (pos == blobStart && whole > 0 && whole <= buffer.Length - done
                && _source.TryReadBlobInto(blob, buffer.Slice(done, (int)whole)))
            {
                done += (int)whole;
                continue;
            }

            var data = _source.GetBlob(blob);
            if (blobEnd != long.MaxValue && data.Length != blobEnd - blobStart)
            {
                // A chunk that is not the length its offsets give would shift every later byte.
                leaf!.Tree.CheckChunkLength(leaf.Tree.Find(blobStart - leaf.Start), leaf.End == long.MaxValue ? -1 : leaf.End - leaf.Start, data.Length);
            }

            var n = CopyPart(data, pos - blobStart, buffer[done..]);
            if (n == 0)
            {
                break;
            }

            done += n;
        }

        return done;
    }

    // Copies what the buffer can take of `data` from `skip` on; 0 when `skip` is past its end.
    private static int CopyPart(byte[] data, long skip, Span<byte> buffer)
    {
        if (skip >= data.Length)
        {
            return 0;
        }

        var n = (int)Math.Min(data.Length - skip, buffer.Length);
        data.AsSpan((int)skip, n).CopyTo(buffer);
        return n;
    }

    /// <summary>
    /// Finds the chunk blob holding <paramref name="pos"/>, the file offset where it starts, and where
    /// the next chunk starts (<see cref="long.MaxValue"/> for the file's last chunk).
    /// </summary>
    public bool TryLocate(long pos, out ObjectId blob, out long blobStart, out long blobEnd) =>
        TryLocate(pos, out blob, out blobStart, out blobEnd, out _);

    // As above, plus the bottom-level tree holding the chunk (null when the file is one blob).
    private bool TryLocate(long pos, out ObjectId blob, out long blobStart, out long blobEnd, out Leaf? holder)
    {
        // Sequential reads stay in one bottom-level tree for many chunks in a row: look there first
        // instead of descending from the top through the cache at every chunk.
        if (Volatile.Read(ref _lastLeaf) is { } leaf && pos >= leaf.Start && pos < leaf.End)
        {
            var i = leaf.Tree.Find(pos - leaf.Start);
            if (i >= 0 && !leaf.Tree.IsTree[i])
            {
                blob = leaf.Tree.Ids[i];
                blobStart = leaf.Start + leaf.Tree.Offsets[i];
                blobEnd = i + 1 < leaf.Tree.Offsets.Length ? leaf.Start + leaf.Tree.Offsets[i + 1] : leaf.End;
                holder = leaf;
                return true;
            }
        }

        return LocateFromTop(pos, out blob, out blobStart, out blobEnd, out holder);
    }

    private bool LocateFromTop(long pos, out ObjectId blob, out long blobStart, out long blobEnd, out Leaf? holder)
    {
        blob = _top;
        blobStart = 0;
        blobEnd = long.MaxValue;
        holder = null;
        if (pos < 0 || !_topIsTree)
        {
            return pos >= 0;
        }

        // [start, leafEnd) is the file range the current tree covers; the rightmost path has no known end.
        var leafEnd = long.MaxValue;
        for (var depth = 0; ; depth++)
        {
            var tree = Descend(blob, leafEnd == long.MaxValue ? -1 : leafEnd - blobStart, depth);
            var i = tree.Find(pos - blobStart);
            if (i < 0)
            {
                return false;
            }

            var start = blobStart;
            var entryEnd = i + 1 < tree.Offsets.Length ? start + tree.Offsets[i + 1] : leafEnd;
            blobStart = start + tree.Offsets[i];
            blob = tree.Ids[i];
            if (!tree.IsTree[i])
            {
                blobEnd = entryEnd;
                holder = new Leaf(tree, start, leafEnd);
                Volatile.Write(ref _lastLeaf, holder);
                return true;
            }

            leafEnd = entryEnd;
        }
    }

    // The tree `id` that must span `extent` bytes (-1: unknown), checked as every reader checks it.
    private ChunkTree Descend(ObjectId id, long extent, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new CorruptObjectException($"chunk tree {_top}", "chunk trees nested too deep");
        }

        var tree = _source.GetChunkTree(id);
        tree.CheckSpan(extent, depth);
        return tree;
    }

    /// <summary>A bottom-level tree and the file range [Start, End) it covers.</summary>
    private sealed record Leaf(ChunkTree Tree, long Start, long End);
}
