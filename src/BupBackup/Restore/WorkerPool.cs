namespace BupBackup.Restore;

/// <summary>
/// A few dedicated threads running queued work items, with a bounded queue so the producer (the
/// restore walk) cannot run far ahead of the writers. Items must not throw; an item that does ends
/// only itself, and the exception is rethrown by <see cref="Complete"/>.
/// </summary>
/// <remarks>Thread-safe: <see cref="Enqueue"/>, <see cref="Drain"/> and <see cref="Complete"/> are called by one producer thread.</remarks>
internal sealed class WorkerPool : IDisposable
{
    private readonly System.Collections.Concurrent.BlockingCollection<Action> _queue;
    private readonly Thread[] _threads;
    private readonly object _lock = new();
    private int _inFlight;
    private Exception? _failure;

    /// <summary>Starts <paramref name="workers"/> threads named <paramref name="name"/>.</summary>
    public WorkerPool(int workers, string name)
    {
        _queue = new(boundedCapacity: workers * 4);
        _threads = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"{name} {i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Queues <paramref name="item"/>, waiting while the queue is full.</summary>
    public void Enqueue(Action item)
    {
        lock (_lock)
        {
            _inFlight++;
        }

        _queue.Add(item);
    }

    /// <summary>Waits until every queued item has run.</summary>
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

    /// <summary>Runs what is queued, stops the threads, and rethrows the first exception an item let escape.</summary>
    public void Complete()
    {
        Stop();
        if (_failure is { } failure)
        {
            throw new InvalidOperationException($"a restore worker failed: {failure.Message}", failure);
        }
    }

    /// <summary>Lets queued items finish, stops the threads and frees the queue.</summary>
    public void Dispose()
    {
        Stop();
        _queue.Dispose();
    }

    private void Stop()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }
    }

    private void Work()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            try
            {
                item();
            }
            catch (Exception e)
            {
                // Items report their own failures; one escaping is a bug, kept for Complete to rethrow.
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                Finished();
            }
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
