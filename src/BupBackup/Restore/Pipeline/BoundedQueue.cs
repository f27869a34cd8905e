namespace BupBackup.Restore.Pipeline;

/// <summary>
/// A first-in first-out queue between pipeline stages: adding waits while it holds
/// <c>capacity</c> items, taking waits while it is empty and not completed. Waiters are woken only
/// when someone actually waits, so a busy pipeline pays for no wake-ups.
/// </summary>
/// <remarks>Thread-safe for any number of producers and consumers.</remarks>
internal sealed class BoundedQueue<T>
{
    private readonly Queue<T> _items = new();
    private readonly int _capacity;
    private int _waiting;
    private bool _completed;

    /// <summary>A queue holding at most <paramref name="capacity"/> items.</summary>
    public BoundedQueue(int capacity) => _capacity = Math.Max(1, capacity);

    /// <summary>Appends <paramref name="item"/>, waiting for room.</summary>
    /// <exception cref="InvalidOperationException">The queue was completed.</exception>
    public void Add(T item)
    {
        lock (_items)
        {
            while (_items.Count >= _capacity && !_completed)
            {
                Wait();
            }

            if (_completed)
            {
                throw new InvalidOperationException("adding to a completed queue");
            }

            _items.Enqueue(item);
            WakeWaiters();
        }
    }

    /// <summary>Takes the oldest item, waiting for one; false once the queue is completed and empty.</summary>
    public bool TryTake(out T item)
    {
        lock (_items)
        {
            while (_items.Count == 0 && !_completed)
            {
                Wait();
            }

            if (_items.Count == 0)
            {
                item = default!;
                return false;
            }

            item = _items.Dequeue();
            WakeWaiters();
            return true;
        }
    }

    /// <summary>No more items will be added; consumers drain what is left, then stop.</summary>
    public void Complete()
    {
        lock (_items)
        {
            _completed = true;
            WakeWaiters();
        }
    }

    private void Wait()
    {
        _waiting++;
        Monitor.Wait(_items);
        _waiting--;
    }

    private void WakeWaiters()
    {
        if (_waiting > 0)
        {
            Monitor.PulseAll(_items);
        }
    }
}
