namespace BupStore.Hashsplit;

/// <summary>
/// Walks a chunk tree depth-first in file order, for readers that read a file once front to back
/// (restore, join): each tree is read once and checked as <see cref="ChunkedFileReader"/> checks it
/// for random access, so every reader agrees on what a valid chunk tree is.
/// </summary>
public static class ChunkTreeWalker
{
    /// <summary>
    /// The chunks of the file whose top chunk tree is <paramref name="top"/>, in order; subtrees come
    /// from <paramref name="readTree"/>. The caller checks each chunk's length with
    /// <see cref="ChunkRef.CheckLength"/> once it has read it.
    /// </summary>
    public static IEnumerable<ChunkRef> Chunks(ChunkTree top, Func<Objects.ObjectId, ChunkTree> readTree)
    {
        top.CheckSpan(-1, 0);
        var stack = new Stack<Frame>();
        stack.Push(new Frame(top, -1));
        while (stack.TryPeek(out var frame))
        {
            if (frame.Next == frame.Tree.Ids.Length)
            {
                stack.Pop();
                continue;
            }

            var i = frame.Next++;
            if (!frame.Tree.IsTree[i])
            {
                yield return new ChunkRef(frame.Tree, i, frame.Extent);
                continue;
            }

            var span = frame.Tree.EntrySpan(i, frame.Extent);
            var sub = readTree(frame.Tree.Ids[i]);
            sub.CheckSpan(span, stack.Count);
            stack.Push(new Frame(sub, span));
        }
    }

    private sealed class Frame(ChunkTree tree, long extent)
    {
        public ChunkTree Tree { get; } = tree;

        public long Extent { get; } = extent;

        public int Next { get; set; }
    }
}
