using System.Buffers;

namespace BupStore.Hashsplit;

/// <summary>
/// The chunks one "put" of data yielded, over a pooled buffer that owns their bytes. Consumers may
/// work on a batch while the splitter fills the next; disposing returns the buffer to the pool
/// (unless the caller lent its own, see <see cref="HashSplitter.PutInPlace"/>).
/// </summary>
public sealed class SplitBatch : IDisposable
{
    private readonly bool _pooled;
    private byte[]? _buffer;

    internal SplitBatch(byte[] buffer, List<ChunkCut> chunks, bool pooled = true)
    {
        _buffer = buffer;
        Chunks = chunks;
        _pooled = pooled;
    }

    /// <summary>The bytes the chunks point into.</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(SplitBatch));

    /// <summary>The chunks, in stream order.</summary>
    public List<ChunkCut> Chunks { get; }

    /// <summary>The bytes of chunk <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Data(int index)
    {
        var c = Chunks[index];
        return Buffer.AsSpan(c.Offset, c.Length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null && _pooled)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
