namespace BupBackup.Restore.Pipeline;

/// <summary>
/// Bounds the content read ahead of the writers: the reader acquires each block's length before
/// handing it over and waits while the budget is spent; writers release it once written. A block
/// larger than the whole budget still passes when nothing else is held, so one huge blob cannot
/// stall the restore.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class ByteBudget
{
    private readonly object _lock = new();
    private readonly long _limit;
    private long _used;
    private int _waiting;

    /// <summary>A budget of <paramref name="limit"/> bytes.</summary>
    public ByteBudget(long limit) => _limit = limit;

    /// <summary>Bytes held now (tests, diagnostics).</summary>
    public long Used
    {
        get
        {
            lock (_lock)
            {
                return _used;
            }
        }
    }

    /// <summary>Takes <paramref name="bytes"/>, waiting until they fit.</summary>
    public void Acquire(long bytes)
    {
        lock (_lock)
        {
            while (_used > 0 && _used + bytes > _limit)
            {
                _waiting++;
                Monitor.Wait(_lock);
                _waiting--;
            }

            _used += bytes;
        }
    }

    /// <summary>Gives back <paramref name="bytes"/> taken earlier.</summary>
    public void Release(long bytes)
    {
        lock (_lock)
        {
            _used -= bytes;
            if (_waiting > 0)
            {
                Monitor.PulseAll(_lock);
            }
        }
    }
}
