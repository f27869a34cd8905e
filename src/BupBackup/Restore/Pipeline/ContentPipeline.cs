// Why a pipeline: restoring is inflating (user time) and writing (kernel time copying into the
// page cache, creating inodes, setting metadata), and one thread doing both in turn leaves the
// other core idle half the time. Here reader threads read and inflate the files' objects in walk
// order, ahead of the writers, while writer threads create, fill and finish the files. Reading
// costs about twice what writing does, so there are half as many writers (DiskSink).

namespace BupBackup.Restore.Pipeline;

/// <summary>
/// Restores regular files in three stages: the walk submits files; reader threads each take the
/// next file and read and inflate its content (<see cref="ContentReader"/>) into a
/// <see cref="ContentChannel"/>, each within its own <see cref="ByteBudget"/>; writer threads take
/// the files as they are handed on and write them through the callback given at construction.
/// </summary>
/// <remarks>
/// <see cref="Submit"/>, <see cref="Drain"/> and <see cref="Complete"/> are called by one thread
/// (the walk). Each reader has a budget of its own: a writer waiting for the file at the head of
/// its queue then always gets its blocks, however far another reader ran ahead into a later file,
/// so any number of writers serves any number of readers without deadlock. The write callback
/// must not throw (it reports its own failures); a bug escaping it or a reader is kept and
/// rethrown by <see cref="Complete"/>.
/// </remarks>
internal sealed class ContentPipeline : IDisposable
{
    /// <summary>Content each reader may have read ahead of the writers (plus the block being filled).</summary>
    public const long ReadAheadBytes = 8L * 1024 * 1024;

    private readonly ContentReader _reader;
    private readonly Action<FileWork> _write;
    private readonly BufferPool _pool;
    private readonly BoundedQueue<(RestoreItem Item, PendingDirectory Parent)> _submitted = new(512);
    private readonly BoundedQueue<FileWork> _read = new(512);
    private readonly Thread[] _readerThreads;
    private readonly Thread[] _writerThreads;
    private readonly object _lock = new();
    private int _readersLeft;
    private int _inFlight;
    private Exception? _failure;
    private bool _stopped;

    /// <summary>Starts <paramref name="readers"/> reader and <paramref name="writers"/> writer threads.</summary>
    public ContentPipeline(ContentReader reader, int readers, int writers, Action<FileWork> write)
    {
        _reader = reader;
        _write = write;
        _readerThreads = Threads(readers, ReadLoop, "read");
        _writerThreads = Threads(writers, WriteLoop, "write");
        _readersLeft = _readerThreads.Length;
        _pool = new BufferPool(BlockBuilder.BlockSize, _readerThreads.Length * (int)((ReadAheadBytes / BlockBuilder.BlockSize) + 2));
        Array.ForEach(_readerThreads, t => t.Start());
        Array.ForEach(_writerThreads, t => t.Start());
    }

    /// <summary>Queues <paramref name="item"/> (a regular file with an object) below <paramref name="parent"/>, which must hold a hold for it.</summary>
    public void Submit(RestoreItem item, PendingDirectory parent)
    {
        lock (_lock)
        {
            _inFlight++;
        }

        _submitted.Add((item, parent));
    }

    /// <summary>Waits until every submitted file is written.</summary>
    public void Drain()
    {
        lock (_lock)
        {
            while (_inFlight > 0)
            {
                Monitor.Wait(_lock);
            }
        }
    }

    /// <summary>Writes what is submitted, stops the threads, and rethrows the first bug that escaped a stage.</summary>
    public void Complete()
    {
        Stop();
        if (_failure is { } failure)
        {
            throw new InvalidOperationException($"a restore stage failed: {failure.Message}", failure);
        }
    }

    /// <summary>Lets submitted files finish and stops the threads.</summary>
    public void Dispose() => Stop();

    private void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _submitted.Complete();
        Array.ForEach(_readerThreads, t => t.Join());
        Array.ForEach(_writerThreads, t => t.Join());
    }

    private void ReadLoop()
    {
        var budget = new ByteBudget(ReadAheadBytes);
        try
        {
            while (_submitted.TryTake(out var next))
            {
                ReadFile(new FileWork(next.Item, next.Parent, new ContentChannel(budget, _pool)));
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _readersLeft) == 0)
            {
                _read.Complete();
            }
        }
    }

    // A file is handed on to the writers once read whole, so a writer never waits on it, unless it
    // needs more than one block: then it is handed on as its second block is ready and streamed,
    // so a large file's writer starts early and one file never holds more than the budget.
    private void ReadFile(FileWork work)
    {
        var handedOn = false;
        void HandOn()
        {
            if (!handedOn)
            {
                handedOn = true;
                _read.Add(work);
            }
        }

        try
        {
            var top = _reader.ReadTop(work.Item.ObjectId!.Value);
            if (top.Type == BupStore.Objects.ObjectType.Blob)
            {
                work.Content.Add(new ContentBlock(top.Data, top.Data.Length, Pooled: false));
                work.Content.Complete();
                return;
            }

            var blocks = 0;
            ReadChunks(work, top.Data, block =>
            {
                if (blocks++ > 0)
                {
                    HandOn();
                }

                return work.Content.Add(block);
            });
        }
        catch (Exception e)
        {
            KeepIfBug(e);
            work.Content.Fail(e);
        }
        finally
        {
            HandOn();
        }
    }

    private void ReadChunks(FileWork work, byte[] tree, Func<ContentBlock, bool> emit)
    {
        var blocks = new BlockBuilder(_pool, emit);
        var stopped = false;
        try
        {
            _reader.ReadChunks(work.Item.ObjectId!.Value, tree, blob =>
            {
                stopped = stopped || work.Content.Abandoned || !blocks.Append(blob);
                if (stopped)
                {
                    throw new OperationCanceledException();
                }
            });
            if (blocks.Flush())
            {
                work.Content.Complete();
            }
        }
        catch (OperationCanceledException) when (stopped)
        {
            // The writer gave up on this file and reported why; nothing more to read.
        }
        finally
        {
            blocks.Discard();
        }
    }

    private void WriteLoop()
    {
        while (_read.TryTake(out var work))
        {
            try
            {
                _write(work);
            }
            catch (Exception e)
            {
                KeepIfBug(e);
                work.Content.Abandon();
            }
            finally
            {
                Finished();
            }
        }
    }

    private static Thread[] Threads(int count, ThreadStart loop, string role) =>
        [.. Enumerable.Range(0, Math.Max(1, count)).Select(i => new Thread(loop) { IsBackground = true, Name = $"bupfs restore {role} {i}" })];

    private void KeepIfBug(Exception e)
    {
        if (!RestoreWalker.IsEntryFailure(e))
        {
            Interlocked.CompareExchange(ref _failure, e, null);
        }
    }

    private void Finished()
    {
        lock (_lock)
        {
            if (--_inFlight == 0)
            {
                Monitor.PulseAll(_lock);
            }
        }
    }
}
