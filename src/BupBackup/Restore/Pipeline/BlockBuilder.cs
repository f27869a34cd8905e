namespace BupBackup.Restore.Pipeline;

/// <summary>
/// Packs a chunked file's blobs (8 KiB on average) into whole blocks, so the writer makes one large
/// write per block and sees every block at an offset aligned for hole detection.
/// </summary>
/// <remarks>Not thread-safe: one per file being read.</remarks>
internal sealed class BlockBuilder
{
    /// <summary>The block size: large writes, a multiple of the 4 KiB hole granularity.</summary>
    public const int BlockSize = 1 << 20;

    private readonly BufferPool _pool;
    private readonly Func<ContentBlock, bool> _emit;
    private byte[]? _buffer;
    private int _filled;

    /// <summary>
    /// Fills blocks from <paramref name="pool"/> and hands each full one to <paramref name="emit"/>,
    /// which takes it over and returns false to stop the file (<see cref="Append"/> then returns false).
    /// </summary>
    public BlockBuilder(BufferPool pool, Func<ContentBlock, bool> emit)
    {
        _pool = pool;
        _emit = emit;
    }

    /// <summary>Appends <paramref name="data"/>; false when the receiver stopped the file.</summary>
    public bool Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            _buffer ??= _pool.Rent();
            var n = Math.Min(data.Length, _buffer.Length - _filled);
            data[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            data = data[n..];
            if (_filled == _buffer.Length && !Flush())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Hands over the partly filled block, if any; false when the receiver stopped the file.</summary>
    public bool Flush()
    {
        if (_buffer is not { } buffer)
        {
            return true;
        }

        _buffer = null;
        var length = _filled;
        _filled = 0;
        return _emit(new ContentBlock(buffer, length, Pooled: true));
    }

    /// <summary>Returns the block being filled to the pool (after a failure).</summary>
    public void Discard()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _filled = 0;
            _pool.Return(buffer);
        }
    }
}
