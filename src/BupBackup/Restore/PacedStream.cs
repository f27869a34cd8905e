// Why restore collects garbage itself: every chunk read from the repository is a fresh array that
// dies soon after, but the GC sizes its youngest generation from the CPU cache (often 100+ MB
// here) and promotes whatever the chunk cache still holds, so without help the heap of a long
// restore grows to several hundred MB of dead chunks. A young-generation collection every
// CollectEvery bytes keeps it near the cache size; it costs a few milliseconds per collection,
// since chunks hold no references.
namespace BupBackup.Restore;

/// <summary>
/// A read-only stream over file content from the repository that triggers a young-generation
/// garbage collection whenever the process has allocated <see cref="CollectEvery"/> bytes since the
/// last one, keeping a restore's memory flat whatever it restores.
/// </summary>
/// <remarks>Not thread-safe (a stream); several instances may be read concurrently.</remarks>
internal sealed class PacedStream : Stream
{
    /// <summary>Allocation between two collections.</summary>
    public const long CollectEvery = 32L * 1024 * 1024;

    private static long _nextCollection = CollectEvery;

    private readonly Stream _inner;

    public PacedStream(Stream inner) => _inner = inner;

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        Pace();
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void Pace()
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var next = Interlocked.Read(ref _nextCollection);
        if (allocated >= next && Interlocked.CompareExchange(ref _nextCollection, allocated + CollectEvery, next) == next)
        {
            GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
    }
}
