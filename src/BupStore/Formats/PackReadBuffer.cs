// Why a read buffer per thread: a large read through the mount inflates ~128 chunks that sit one
// after another in the pack, and one pread per chunk, each of zlib's worst-case bound (about the
// chunk's inflated size, twice its stored size for text), cost 9% of the read's CPU in syscalls and
// copies. A thread that keeps reading where its last reads ended now reads 128 KiB at once; other
// reads (random access, one object's header and data) read only what they ask for, so random 4 KiB
// reads through the mount do not pay for a large window.
//
// Why reads outside a run go to a buffer of their own: bup writes each chunk tree after the chunks
// it lists, so a mount reading forward reads a tree some 100-200 KiB ahead of its chunks, then goes
// back to them. That tree read used to count as part of the run (it was within a window's size past
// the last one), fetched a whole window there and evicted the chunks' window, which was then fetched
// again: a cold 400 MB read pread 393 MB out of a 209 MB pack (251 MB now), and the kernel's copy was
// 5-17% of the mount's samples. Now a run continues only from at most RunGap past the last read, and
// a read that does not continue it neither fetches a window nor evicts the one the run is using.
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

    // How far past the end of the last read a run may skip ahead: over the objects between two
    // chunks (a chunk tree, a few KiB), never as far as the next tree.
    private const int RunGap = 16 * 1024;

    // The window of the current run: [_start, _start + _length) of _pack.
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(WindowSize);
    private PackFile? _pack;
    private long _start;
    private int _length;

    // Reads outside a run: [_sideStart, _sideStart + _sideLength) of _sidePack.
    private byte[] _side = [];
    private PackFile? _sidePack;
    private long _sideStart;
    private int _sideLength;

    // The last read asked for, and how many reads in a row continued from the one before.
    private PackFile? _lastPack;
    private long _lastEnd;
    private long _lastStart;
    private int _run;
    private long _fetched;

    /// <summary>Bytes this thread has read from packs so far (tests check that windows are not fetched twice).</summary>
    internal static long BytesFetchedOnThisThread => t_current?._fetched ?? 0;

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
        var run = NoteRun(pack, offset, count);
        if (ReferenceEquals(pack, _pack) && offset >= _start && offset + count <= _start + _length)
        {
            return _buffer.AsSpan((int)(offset - _start), count);
        }

        if (ReferenceEquals(pack, _sidePack) && offset >= _sideStart && offset + count <= _sideStart + _sideLength)
        {
            return _side.AsSpan((int)(offset - _sideStart), count);
        }

        // From a run's third read on (so not for a lone object's header and then its data) a whole
        // window is fetched; other reads fetch what they ask for, beside the run's window.
        var available = Math.Max(0, pack.Length - offset);
        return run >= 3 ? FetchWindow(pack, handle, offset, count, available) : FetchSide(pack, handle, offset, count, available);
    }

    // Counts the reads that start inside the last one or at most RunGap past its end.
    private int NoteRun(PackFile pack, long offset, int count)
    {
        var continues = ReferenceEquals(pack, _lastPack) && offset >= _lastStart && offset <= _lastEnd + RunGap;
        _run = continues ? _run + 1 : 1;
        (_lastPack, _lastStart, _lastEnd) = (pack, offset, offset + count);
        return _run;
    }

    private ReadOnlySpan<byte> FetchWindow(PackFile pack, SafeFileHandle handle, long offset, int count, long available)
    {
        var want = (int)Math.Min(WindowSize, available);
        _pack = null;
        var n = want == 0 ? 0 : RandomAccess.Read(handle, _buffer.AsSpan(0, want), offset);
        _fetched += n;
        (_pack, _start, _length) = (pack, offset, n);
        return _buffer.AsSpan(0, Math.Min(n, count));
    }

    private ReadOnlySpan<byte> FetchSide(PackFile pack, SafeFileHandle handle, long offset, int count, long available)
    {
        var want = (int)Math.Min(count, available);
        if (_side.Length < want)
        {
            _side = GC.AllocateUninitializedArray<byte>(Math.Max(want, Math.Min(Math.Max(_side.Length * 2, 4096), WindowSize)));
        }

        _sidePack = null;
        var n = want == 0 ? 0 : RandomAccess.Read(handle, _side.AsSpan(0, want), offset);
        _fetched += n;
        (_sidePack, _sideStart, _sideLength) = (pack, offset, n);
        return _side.AsSpan(0, n);
    }
}
