using System.Threading.Channels;
using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Hashsplit;

/// <summary>
/// Splits streams into chunk blobs and fanout trees in a repository, using both cores: one thread
/// reads and finds split points, a batch of chunks is hashed and compressed in parallel, and
/// appends happen in stream order. Memory is bounded by a few 8 MiB batches whatever the size.
/// </summary>
/// <remarks>Not thread-safe: one split at a time per instance.</remarks>
public sealed class StreamSplitter
{
    private const int BatchesAhead = 2;
    private readonly ObjectWriter _writer;
    private readonly int _fanBits;

    /// <summary>Creates a splitter writing through <paramref name="writer"/>.</summary>
    public StreamSplitter(ObjectWriter writer, int fanBits = 4)
    {
        _writer = writer;
        _fanBits = fanBits;
    }

    /// <summary>Called with each chunk's blob id, in stream order (bup split -b).</summary>
    public Action<ObjectId>? OnBlob { get; init; }

    /// <summary>Called with the number of bytes each batch consumed (progress).</summary>
    public Action<long>? OnProgress { get; init; }

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
        var tree = new ChunkTreeBuilder(body => _writer.Write(ObjectType.Tree, body));
        var channel = Channel.CreateBounded<SplitBatch>(new BoundedChannelOptions(BatchesAhead) { SingleReader = true, SingleWriter = true });
        using var cancel = new CancellationTokenSource();
        var producer = Task.Factory.StartNew(() => Produce(sources, keepBoundaries, channel.Writer, cancel.Token), TaskCreationOptions.LongRunning);
        long chunks = 0;
        try
        {
            while (channel.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (channel.Reader.TryRead(out var batch))
                {
                    using (batch)
                    {
                        chunks += Store(batch, tree);
                    }
                }
            }
        }
        catch
        {
            // Stop the reader thread and free what it queued before reporting the failure.
            cancel.Cancel();
            producer.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
            while (channel.Reader.TryRead(out var queued))
            {
                queued.Dispose();
            }

            throw;
        }

        producer.GetAwaiter().GetResult();
        return new SplitResult(tree, tree.Size, chunks);
    }

    private void Produce(IEnumerable<Stream> sources, bool keepBoundaries, ChannelWriter<SplitBatch> output, CancellationToken cancel)
    {
        Exception? error = null;
        try
        {
            var splitter = new HashSplitter(_fanBits);
            var block = new byte[HashSplitter.ReadSize];
            foreach (var source in sources)
            {
                int n;
                while ((n = source.ReadAtLeast(block, block.Length, throwOnEndOfStream: false)) > 0)
                {
                    Post(output, splitter.Put(block.AsSpan(0, n)), cancel);
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

    private int Store(SplitBatch batch, ChunkTreeBuilder tree)
    {
        var chunks = batch.Chunks;
        var prepared = new PreparedObject[chunks.Count];
        Parallel.For(0, chunks.Count, i => prepared[i] = _writer.Prepare(ObjectType.Blob, batch.Data(i)));
        long bytes = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            var id = _writer.Add(prepared[i]);
            tree.Add(id, chunks[i].Length, chunks[i].Level);
            OnBlob?.Invoke(id);
            bytes += chunks[i].Length;
        }

        OnProgress?.Invoke(bytes);
        return chunks.Count;
    }
}
