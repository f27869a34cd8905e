// Sequential read-ahead for one open file: while the host copies chunk n to the kernel, one
// worker per core inflates chunks n+1.. into the shared cache, so every core works on one stream.
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupFs.Caching;

/// <summary>
/// Watches the reads of one handle and, once they look sequential, keeps the cache filled a
/// growing window ahead of them (from <see cref="InitialWindow"/> up to the configured maximum).
/// A random read resets the window, so random access costs nothing extra.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Observe"/> may be called from several host threads at once. Up to one
/// background task per core runs per handle, each claiming the next chunk not yet claimed; failures
/// there are ignored because the reader hits the same error itself, on the request that needs the data.
/// </remarks>
internal sealed class ReadAhead
{
    /// <summary>The first window once a sequential pattern is seen.</summary>
    public const long InitialWindow = 512 * 1024;

    // The kernel issues several read-ahead requests at once, so they may arrive slightly out of
    // order; reads within this distance of the previous end still count as sequential.
    private const long Slack = 1024 * 1024;

    private readonly object _lock = new();
    private readonly ChunkedFileReader _reader;
    private readonly IChunkSource _source;
    private readonly long _length;
    private readonly long _maxWindow;
    private long _expected = -1;
    private long _window;
    private long _fetched;
    private long _target;
    private int _running;
    private bool _stopped;

    /// <summary>Prefetches for <paramref name="reader"/> (of <paramref name="length"/> bytes) into <paramref name="source"/>.</summary>
    public ReadAhead(ChunkedFileReader reader, IChunkSource source, long length, long maxWindow)
    {
        _reader = reader;
        _source = source;
        _length = length;
        _maxWindow = maxWindow;
    }

    /// <summary>Background tasks per handle: one per core.</summary>
    private static int MaxWorkers => Environment.ProcessorCount;

    /// <summary>How far ahead data has been requested so far (tests).</summary>
    public long FetchedUntil
    {
        get
        {
            lock (_lock)
            {
                return _fetched;
            }
        }
    }

    /// <summary>Notes a completed read of <paramref name="count"/> bytes at <paramref name="offset"/>.</summary>
    public void Observe(long offset, int count)
    {
        if (_maxWindow <= 0)
        {
            return;
        }

        lock (_lock)
        {
            var end = offset + count;
            var sequential = _expected >= 0 && Math.Abs(offset - _expected) <= Slack;
            _expected = end;
            if (!sequential || _stopped)
            {
                _window = 0;
                _fetched = _target = end;
                return;
            }

            _window = Math.Min(_maxWindow, Math.Max(InitialWindow, _window * 2));
            _target = Math.Min(_length, end + _window);
            _fetched = Math.Max(_fetched, end);
            if (_running >= MaxWorkers || _fetched >= _target)
            {
                return;
            }

            _running++;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static self => self.Run(), this, preferLocal: false);
    }

    /// <summary>Stops prefetching (the handle was released).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
        }
    }

    private void Run()
    {
        while (Claim() is { } blob)
        {
            try
            {
                _source.GetBlob(blob);
            }
            catch (Exception)
            {
                // Nothing may escape a thread-pool item (it would end the process): a damaged object
                // is reported by the foreground read that needs it; a disposed cache means unmount.
            }
        }
    }

    // Takes the chunk at the read-ahead frontier for this worker and moves the frontier past it;
    // null when there is nothing left to do (the worker then ends).
    private ObjectId? Claim()
    {
        while (true)
        {
            long position;
            lock (_lock)
            {
                if (_stopped || _fetched >= _target)
                {
                    _running--;
                    return null;
                }

                position = _fetched;
            }

            // Located outside the lock: it may read a chunk tree, and host threads wait on this lock.
            ObjectId blob;
            long next;
            try
            {
                next = _reader.TryLocate(position, out blob, out _, out var blobEnd) ? Math.Min(blobEnd, _length) : long.MaxValue;
            }
            catch (Exception)
            {
                (blob, next) = (default, long.MaxValue);
            }

            lock (_lock)
            {
                if (_fetched != position)
                {
                    continue; // another worker (or a reset) moved the frontier first
                }

                _fetched = Math.Max(next, position + 1);
                if (next != long.MaxValue)
                {
                    return blob;
                }
            }
        }
    }
}
