using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Saves;

// Whole-input splits: a stream (a file's content) or bytes (a .bupm).
public sealed partial class BlobSplitter
{
    /// <summary>
    /// Hashsplits <paramref name="stream"/> to its end and returns its blob or chunk tree
    /// (<see cref="GitFileMode.Regular"/> or <see cref="GitFileMode.Tree"/>). The stream is read in
    /// full puts of <see cref="HashSplitter.ReadSize"/> (fewer only at its end), because put
    /// boundaries change bup's cuts (docs/formats/hashsplit.md, "Why the buffering matters").
    /// Reading and scanning put N+1 overlaps storing put N, hashed and compressed on every core.
    /// </summary>
    /// <remarks>Each put takes a 16 MiB pooled array; callers splitting many large files at once may want to run them one at a time.</remarks>
    public static (GitFileMode Mode, ObjectId Id) Split(ConcurrentObjectWriter writer, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var chunks = new BlobSplitter(writer, parallel: true);
        var splitter = new HashSplitter();
        SplitBatch? storing = null;
        var stored = Task.CompletedTask;
        try
        {
            // One store at a time (an instance is single-threaded), and batches go back to the pool
            // on this thread, which keeps the pool's per-thread cache to one array.
            while (splitter.Put(stream) is { } batch)
            {
                EndStore(stored, ref storing);
                storing = batch;
                stored = Task.Run(() => chunks.Store(batch));
            }

            EndStore(stored, ref storing);
        }
        finally
        {
            Task.WaitAny(stored); // waits without rethrowing, so an exception already in flight is not masked
            storing?.Dispose();
        }

        chunks.Add(splitter.Finish());
        return chunks.Finish();
    }

    private static void EndStore(Task stored, ref SplitBatch? storing)
    {
        stored.GetAwaiter().GetResult();
        storing?.Dispose();
        storing = null;
    }

    /// <summary>
    /// Stores <paramref name="data"/> as bup stores a .bupm: hashsplit in puts of
    /// <see cref="HashSplitter.ReadSize"/>, one blob when it fits in a chunk, else a chunk tree.
    /// Each object is appended as soon as it is made.
    /// </summary>
    public static (GitFileMode Mode, ObjectId Id) Split(ConcurrentObjectWriter writer, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var splitter = new HashSplitter();
        var tree = new ChunkTreeBuilder((type, body) => writer.Write(type, body));
        for (var offset = 0; offset < data.Length; offset += HashSplitter.ReadSize)
        {
            using var batch = splitter.Put(data.Slice(offset, Math.Min(HashSplitter.ReadSize, data.Length - offset)));
            WriteChunks(writer, batch, tree);
        }

        using (var last = splitter.Finish())
        {
            WriteChunks(writer, last, tree);
        }

        return tree.FinishBlobOrTree();
    }

    private static void WriteChunks(ConcurrentObjectWriter writer, SplitBatch batch, ChunkTreeBuilder tree)
    {
        for (var i = 0; i < batch.Chunks.Count; i++)
        {
            var cut = batch.Chunks[i];
            tree.Add(writer.Write(ObjectType.Blob, batch.Data(i)), cut.Length, cut.Level);
        }
    }
}
