using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// bup join's walk: a commit stands for its tree, a tree for its entries in order (recursively),
/// a blob for its content. Blobs are inflated ahead of the consumer on the thread pool, so a
/// join streams at the speed of all cores with a bounded window. Chunk trees (a split's tree, a
/// saved file's <c>name.bup</c>) are checked as every other reader checks them (<see cref="ChunkTreeWalker"/>),
/// so join never writes a file whose chunks are not where their offsets say.
/// </summary>
public static class ObjectWalker
{
    private const int Window = 32;

    /// <summary>The blob ids under <paramref name="id"/>, in join order.</summary>
    public static IEnumerable<ObjectId> Blobs(ObjectStore store, ObjectId id) => Pieces(store, id, false).Select(p => p.Id);

    // Each blob, with its place in a chunk tree when it is a chunk (whose length is then checked).
    private static IEnumerable<Piece> Pieces(ObjectStore store, ObjectId id, bool isChunkedFile)
    {
        var root = store.Read(id);
        if (root.Type == ObjectType.Blob)
        {
            yield return new Piece(id, null);
            yield break;
        }

        var tree = root.Type switch
        {
            ObjectType.Commit => CommitCodec.Parse(root.Data, $"commit {id}").Tree,
            ObjectType.Tree => id,
            _ => throw new WrongObjectTypeException(id, ObjectType.Tree, root.Type),
        };

        // Tree entry modes tell blobs from trees, so blobs are never inflated just to learn their type.
        var stack = new Stack<(ObjectId Id, bool IsTree, bool IsChunked)>();
        stack.Push((tree, true, isChunkedFile));
        while (stack.Count > 0)
        {
            var (current, isTree, isChunked) = stack.Pop();
            if (!isTree)
            {
                yield return new Piece(current, null);
                continue;
            }

            var entries = store.ReadTree(current);
            if (isChunked || (current == tree && LooksLikeChunkTree(entries)))
            {
                foreach (var chunk in ChunkTreeWalker.Chunks(ChunkTree.From(current, entries), sub => ChunkTree.From(sub, store.ReadTree(sub))))
                {
                    yield return new Piece(chunk.Id, chunk);
                }

                continue;
            }

            for (var i = entries.Count - 1; i >= 0; i--)
            {
                var e = entries[i];
                if (e.Mode != GitFileMode.Gitlink)
                {
                    NameMangling.Demangle(e.Name, e.Mode, out var chunked);
                    stack.Push((e.Id, e.IsTree, e.IsTree && chunked));
                }
            }
        }
    }

    // A split's top tree (bup split, or join of a saved file's .bup tree by id): hex names from 0,
    // as bup's hashsplit writes them. A saved directory always holds .bupm, so it never looks like one.
    private static bool LooksLikeChunkTree(List<TreeEntry> entries) =>
        entries.Count > 0 && entries[0].Name.AsSpan().IndexOfAnyExcept((byte)'0') < 0
        && entries.All(e => e.Name.Length <= 16 && e.Name.AsSpan().IndexOfAnyExcept("0123456789abcdef"u8) < 0);

    /// <summary>Writes the content under <paramref name="id"/> to <paramref name="output"/>; returns the byte count.</summary>
    /// <param name="store">The objects.</param>
    /// <param name="id">A blob, tree or commit.</param>
    /// <param name="output">Where the content goes.</param>
    /// <param name="isChunkedFile">
    /// The caller knows <paramref name="id"/> is a chunked file's tree (a <c>name.bup</c> entry), so
    /// it is read as one, whatever its entries look like.
    /// </param>
    /// <exception cref="CorruptObjectException">A damaged object, or a chunk tree that is not one.</exception>
    public static long Join(ObjectStore store, ObjectId id, Stream output, bool isChunkedFile = false)
    {
        var pending = new Queue<(Piece Piece, Task<byte[]> Data)>();
        long total = 0;
        Task<byte[]>? previous = null;
        var previousId = default(ObjectId);
        foreach (var piece in Pieces(store, id, isChunkedFile))
        {
            // A run of zeros is one chunk many times over: read, inflate and verify it once per run.
            var blob = piece.Id;
            previous = previous is not null && blob == previousId ? previous : Task.Run(() => store.Read(blob, ObjectType.Blob));
            previousId = blob;
            pending.Enqueue((piece, previous));
            if (pending.Count >= Window)
            {
                total += Drain(pending, output);
            }
        }

        while (pending.Count > 0)
        {
            total += Drain(pending, output);
        }

        return total;
    }

    private static int Drain(Queue<(Piece Piece, Task<byte[]> Data)> pending, Stream output)
    {
        var (piece, task) = pending.Dequeue();
        var data = task.GetAwaiter().GetResult();
        piece.Chunk?.CheckLength(data.Length);
        output.Write(data);
        return data.Length;
    }

    private readonly record struct Piece(ObjectId Id, ChunkRef? Chunk);
}
