using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Saves;

/// <summary>
/// Turns one file's split batches into stored blobs and its blob or chunk tree, as bup save stores
/// file content (docs/formats/hashsplit.md, "Single blob or tree"): objects are hashed and
/// compressed on the calling thread (or on every core), kept until a few MiB are pending, then
/// appended in one short hold of the writer's lock. Order of appends does not matter: the tree
/// names its chunks by id. The static <c>Split</c> methods do a whole file or byte string.
/// </summary>
/// <remarks>Not thread-safe: one file, one instance.</remarks>
public sealed partial class BlobSplitter
{
    /// <summary>Compressed bytes held before appending them.</summary>
    private const long PendingLimit = 2L << 20;

    private readonly ConcurrentObjectWriter _writer;
    private readonly bool _parallel;
    private readonly List<PreparedObject> _pending = [];
    private readonly ChunkTreeBuilder _tree;
    private long _pendingBytes;

    /// <summary>
    /// A splitter storing through <paramref name="writer"/>; with <paramref name="parallel"/> the
    /// chunks of a batch are hashed and compressed on every core.
    /// </summary>
    public BlobSplitter(ConcurrentObjectWriter writer, bool parallel)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _parallel = parallel;
        _tree = new ChunkTreeBuilder((type, body) => Keep(writer.Writer.Prepare(type, body)));
    }

    /// <summary>Stores the chunks of <paramref name="batch"/> (and disposes it).</summary>
    public void Add(SplitBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using (batch)
        {
            Store(batch);
        }
    }

    /// <summary>Stores the chunks of <paramref name="batch"/>; the caller disposes it.</summary>
    public void Store(SplitBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var prepared = Prepare(batch);
        for (var i = 0; i < prepared.Length; i++)
        {
            var cut = batch.Chunks[i];
            _tree.Add(Keep(prepared[i]), cut.Length, cut.Level);
        }
    }

    private PreparedObject[] Prepare(SplitBatch batch)
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

        return prepared;
    }

    /// <summary>Appends what is pending and returns the file's blob or chunk tree with its git mode.</summary>
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
