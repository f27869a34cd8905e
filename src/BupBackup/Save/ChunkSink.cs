using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;

namespace BupBackup.Save;

/// <summary>
/// Turns one file's split batches into stored blobs and its chunk tree: objects are hashed and
/// compressed on the calling thread (or on every core), kept until a few MiB are pending, then
/// appended in one short hold of the writer's lock. Order of appends does not matter: the tree
/// names its chunks by id.
/// </summary>
/// <remarks>Not thread-safe: one file, one worker.</remarks>
internal sealed class ChunkSink
{
    /// <summary>Compressed bytes held before appending them.</summary>
    private const long PendingLimit = 2L << 20;

    private readonly SharedWriter _writer;
    private readonly bool _parallel;
    private readonly List<PreparedObject> _pending = [];
    private readonly ChunkTreeBuilder _tree;
    private long _pendingBytes;

    public ChunkSink(SharedWriter writer, bool parallel)
    {
        _writer = writer;
        _parallel = parallel;
        _tree = new ChunkTreeBuilder((type, body) => Keep(writer.Writer.Prepare(type, body)));
    }

    /// <summary>Stores the chunks of <paramref name="batch"/> (and disposes it).</summary>
    public void Add(SplitBatch batch)
    {
        using (batch)
        {
            Store(batch);
        }
    }

    /// <summary>Stores the chunks of <paramref name="batch"/>; the caller disposes it.</summary>
    public void Store(SplitBatch batch)
    {
        var count = batch.Chunks.Count;
        var prepared = new PreparedObject[count];
        var writer = _writer.Writer;
        if (_parallel && count > 1)
        {
            Parallel.For(0, count, i => prepared[i] = writer.Prepare(ObjectType.Blob, batch.Data(i)));
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                prepared[i] = writer.Prepare(ObjectType.Blob, batch.Data(i));
            }
        }

        for (var i = 0; i < count; i++)
        {
            var cut = batch.Chunks[i];
            _tree.Add(Keep(prepared[i]), cut.Length, cut.Level);
        }
    }

    /// <summary>Appends what is pending and returns the file's blob or chunk tree.</summary>
    public (GitFileMode Mode, ObjectId Id) Finish()
    {
        var result = _tree.FinishBlobOrTree();
        _writer.AddAll(_pending);
        _pendingBytes = 0;
        return result;
    }

    private ObjectId Keep(PreparedObject prepared)
    {
        _pending.Add(prepared);
        _pendingBytes += prepared.Compressed?.Length ?? 0;
        if (_pendingBytes >= PendingLimit)
        {
            _writer.AddAll(_pending);
            _pendingBytes = 0;
        }

        return prepared.Id;
    }
}
