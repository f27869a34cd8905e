// Why a read buffer per thread: a large read through the mount inflates ~128 chunks that sit one
// after another in the pack, and one pread per chunk, each of zlib's worst-case bound (about the
// chunk's inflated size, twice its stored size for text), cost 9% of the read's CPU in syscalls and
// copies. A thread that keeps reading where its last reads ended now reads 128 KiB at once; other
// reads (random access, one object's header and data) read only what they ask for, so random 4 KiB
// reads through the mount do not pay for a large window.
using Microsoft.Win32.SafeHandles;

namespace BupStore.Formats;

/// <summary>Positional pack reads through a small per-thread window that grows only for forward runs.</summary>
/// <remarks>
/// Thread-safe through thread-local state. A span returned is valid until the same thread's next
/// read: callers consume it (parse, inflate) before reading again. Pack files never change once
/// published, so a window never goes stale.
/// </remarks>
internal sealed class PackReadBuffer
{
    /// <summary>Largest read served from the window; larger ones are the caller's to make.</summary>
    public const int WindowSize = 128 * 1024;

    [ThreadStatic]
    private static PackReadBuffer? t_current;

    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(WindowSize);
    private PackFile? _pack;
    private long _start;
    private int _length;
    private int _run;

    /// <summary>
    /// Up to <paramref name="count"/> (at most <see cref="WindowSize"/>) bytes of <paramref name="pack"/>
    /// at <paramref name="offset"/>, fewer only at the end of the file.
    /// </summary>
    public static ReadOnlySpan<byte> Read(PackFile pack, SafeFileHandle handle, long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, WindowSize);
        return (t_current ??= new PackReadBuffer()).ReadAt(pack, handle, offset, count);
    }

    private ReadOnlySpan<byte> ReadAt(PackFile pack, SafeFileHandle handle, long offset, int count)
    {
        var windowEnd = _start + _length;
        if (ReferenceEquals(pack, _pack) && offset >= _start && offset + count <= windowEnd)
        {
            return _buffer.AsSpan((int)(offset - _start), count);
        }

        // Reads that keep starting inside or just past the last one form a forward run; from the third
        // on (so not for a lone object's header and then its data) a whole window is fetched.
        var continues = ReferenceEquals(pack, _pack) && offset >= _start && offset <= windowEnd + WindowSize;
        _run = continues ? _run + 1 : 1;
        var want = (int)Math.Min(_run >= 3 ? WindowSize : count, Math.Max(0, pack.Length - offset));
        _pack = null;
        var n = want == 0 ? 0 : RandomAccess.Read(handle, _buffer.AsSpan(0, want), offset);
        (_pack, _start, _length) = (pack, offset, n);
        return _buffer.AsSpan(0, Math.Min(n, count));
    }
}
