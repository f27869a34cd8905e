namespace BupBackup.Restore.Pipeline;

/// <summary>
/// A first-in first-out queue between pipeline stages: adding waits while it holds
/// <c>capacity</c> items, taking waits while it is empty and not completed. Waiters are woken only
/// when someone actually waits, and a full queue wakes its adders only once it is down to half:
/// a producer ahead of its consumer then sleeps once per half a queue, not once per item (which
/// cost two context switches per restored file).
/// </summary>
/// <remarks>Thread-safe for any number of producers and consumers.</remarks>
internal sealed class BoundedQueue<T>
{
    private readonly Queue<T> _items = new();
    private readonly int _capacity;
    private int _waitingTakers;
    private int _waitingAdders;
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
                _waitingAdders++;
                Monitor.Wait(_items);
                _waitingAdders--;
            }

            if (_completed)
            {
                throw new InvalidOperationException("adding to a completed queue");
            }

            _items.Enqueue(item);
            if (_waitingTakers > 0)
            {
                Monitor.PulseAll(_items);
            }
        }
    }

    /// <summary>Takes the oldest item, waiting for one; false once the queue is completed and empty.</summary>
    public bool TryTake(out T item)
    {
        lock (_items)
        {
            while (_items.Count == 0 && !_completed)
            {
                _waitingTakers++;
                Monitor.Wait(_items);
                _waitingTakers--;
            }

            if (_items.Count == 0)
            {
                item = default!;
                return false;
            }

            item = _items.Dequeue();
            if (_waitingAdders > 0 && _items.Count <= _capacity / 2)
            {
                Monitor.PulseAll(_items);
            }

            return true;
        }
    }

    /// <summary>No more items will be added; consumers drain what is left, then stop.</summary>
    public void Complete()
    {
        lock (_items)
        {
            _completed = true;
            Monitor.PulseAll(_items);
        }
    }
}
