using System.Threading.Channels;
using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Hashsplit;

/// <summary>
/// Splits streams into chunk blobs and fanout trees in a repository, using both cores as a
/// three-stage pipeline: one thread reads and finds split points; the chunks of a batch are hashed
/// and compressed in parallel; and the previous batch is appended to the pack, in stream order,
/// while the next one is being prepared. Memory is bounded by a few 8 MiB batches whatever the size.
/// </summary>
/// <remarks>Not thread-safe: one split at a time per instance.</remarks>
public sealed class StreamSplitter
{
    private const int BatchesAhead = 2;
    private readonly ObjectWriter? _writer;
    private readonly int _fanBits;

    /// <summary>
    /// Creates a splitter writing through <paramref name="writer"/>; with null it computes every blob
    /// and tree id but stores nothing (bup split --noop -b/-t).
    /// </summary>
    public StreamSplitter(ObjectWriter? writer, int fanBits = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanBits, 1);
        _writer = writer;
        _fanBits = fanBits;
    }

    /// <summary>Called with each chunk's blob id, in stream order (bup split -b).</summary>
    public Action<ObjectId>? OnBlob { get; init; }

    /// <summary>Called with the number of bytes each batch consumed (progress).</summary>
    public Action<long>? OnProgress { get; init; }

    /// <summary>
    /// Bytes per put. bup reads files in 8 MiB puts (the default) but objects named by
    /// split --git-ids in 64 KiB ones; put boundaries change where forced cuts fall.
    /// </summary>
    public int PutSize { get; init; } = HashSplitter.ReadSize;

    /// <summary>
    /// Splits the concatenation of <paramref name="sources"/> as one stream, each read in bup's
    /// 8 MiB puts (bup split without --keep-boundaries; a single source for save).
    /// </summary>
    public SplitResult Split(IEnumerable<Stream> sources) => Split(sources, keepBoundaries: false);

    /// <summary>
    /// Splits <paramref name="sources"/> into one fanout tree; with <paramref name="keepBoundaries"/>
    /// every source starts a fresh splitter, so no chunk spans two sources (bup split --keep-boundaries).
    /// </summary>
    public SplitResult Split(IEnumerable<Stream> sources, bool keepBoundaries)
    {
        var tree = new ChunkTreeBuilder(Store);
        var channel = Channel.CreateBounded<SplitBatch>(new BoundedChannelOptions(BatchesAhead) { SingleReader = true, SingleWriter = true });
        using var cancel = new CancellationTokenSource();
        var producer = Task.Factory.StartNew(() => Produce(sources, keepBoundaries, channel.Writer, cancel.Token), TaskCreationOptions.LongRunning);
        var appending = Task.FromResult(0L);
        try
        {
            long chunks = 0;
            while (channel.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (channel.Reader.TryRead(out var batch))
                {
                    var prepared = Prepare(batch);
                    chunks += appending.GetAwaiter().GetResult();
                    appending = Task.Run(() => Append(prepared, tree));
                }
            }

            chunks += appending.GetAwaiter().GetResult();
            producer.GetAwaiter().GetResult();
            return new SplitResult(tree, tree.Size, chunks);
        }
        catch
        {
            // Stop the reader thread, let the last append finish, and free what was queued.
            cancel.Cancel();
            Task.WhenAll(producer, appending).ContinueWith(_ => { }, TaskScheduler.Default).Wait();
            while (channel.Reader.TryRead(out var queued))
            {
                queued.Dispose();
            }

            throw;
        }
    }

    private void Produce(IEnumerable<Stream> sources, bool keepBoundaries, ChannelWriter<SplitBatch> output, CancellationToken cancel)
    {
        Exception? error = null;
        try
        {
            var splitter = new HashSplitter(_fanBits);
            foreach (var source in sources)
            {
                while (splitter.Put(source, PutSize) is { } batch)
                {
                    Post(output, batch, cancel);
                }

                if (keepBoundaries)
                {
                    Post(output, splitter.Finish(), cancel);
                    splitter = new HashSplitter(_fanBits);
                }
            }

            Post(output, splitter.Finish(), cancel);
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            output.TryComplete(error);
        }
    }

    private static void Post(ChannelWriter<SplitBatch> output, SplitBatch batch, CancellationToken cancel)
    {
        try
        {
            output.WriteAsync(batch, cancel).AsTask().GetAwaiter().GetResult();
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }

    /// <summary>Hashes (and compresses what is new) on every core; the batch's buffer is free afterwards.</summary>
    private PreparedBatch Prepare(SplitBatch batch)
    {
        using (batch)
        {
            var chunks = batch.Chunks;
            var prepared = new PreparedObject[chunks.Count];
            if (_writer is { } writer)
            {
                Parallel.For(0, chunks.Count, i => prepared[i] = writer.Prepare(ObjectType.Blob, batch.Data(i)));
            }
            else
            {
                Parallel.For(0, chunks.Count, i => prepared[i] = new PreparedObject(ObjectHasher.Compute(ObjectType.Blob, batch.Data(i)), ObjectType.Blob, chunks[i].Length, null));
            }

            return new PreparedBatch(prepared, chunks);
        }
    }

    /// <summary>Appends one batch in stream order (one batch at a time); returns its chunk count.</summary>
    private long Append(PreparedBatch batch, ChunkTreeBuilder tree)
    {
        long bytes = 0;
        for (var i = 0; i < batch.Objects.Length; i++)
        {
            var id = _writer?.Add(batch.Objects[i]) ?? batch.Objects[i].Id;
            var cut = batch.Cuts[i];
            tree.Add(id, cut.Length, cut.Level);
            OnBlob?.Invoke(id);
            bytes += cut.Length;
        }

        OnProgress?.Invoke(bytes);
        return batch.Objects.Length;
    }

    private ObjectId Store(ObjectType type, byte[] body) => _writer?.Write(type, body) ?? ObjectHasher.Compute(type, body);

    private sealed record PreparedBatch(PreparedObject[] Objects, List<ChunkCut> Cuts);
}
