namespace BupBackup.Restore.Pipeline;

/// <summary>
/// The restore's own pool of equal-sized content blocks: they are large (one allocation on the
/// large-object heap each), live across threads (filled by the reader, written and returned by a
/// writer) and are needed in a bounded number, so a small free list keeps them all.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class BufferPool
{
    private readonly Stack<byte[]> _free = new();
    private readonly int _keep;

    /// <summary>Blocks of <paramref name="size"/> bytes; at most <paramref name="keep"/> are kept when returned.</summary>
    public BufferPool(int size, int keep)
    {
        Size = size;
        _keep = keep;
    }

    /// <summary>The size of every block.</summary>
    public int Size { get; }

    /// <summary>A free block (its content is undefined).</summary>
    public byte[] Rent()
    {
        lock (_free)
        {
            if (_free.Count > 0)
            {
                return _free.Pop();
            }
        }

        return GC.AllocateUninitializedArray<byte>(Size);
    }

    /// <summary>Gives a block of this pool back.</summary>
    public void Return(byte[] block)
    {
        lock (_free)
        {
            if (_free.Count < _keep)
            {
                _free.Push(block);
            }
        }
    }
}
