using System.Buffers;

namespace BupStore.Hashsplit;

/// <summary>
/// Cuts a byte stream into chunks exactly as bup 0.33 does (hashsplit._splitbuf and bupsplit.c;
/// docs/formats/hashsplit.md, "Finding a split point" to "Why the buffering matters"): data arrives in "puts"; after each put the unconsumed bytes are
/// searched with a fresh rolling sum, a split past 32 KiB is replaced by a 32 KiB cut followed by
/// a new search, and when nothing splits, whole 32 KiB pieces are cut without searching again.
/// </summary>
/// <remarks>
/// Once a search has rolled 64 bytes, the sum after byte x depends on bytes x-63..x alone, so a
/// "pure" hit found by one search is also the answer of every later search that starts at least 64
/// bytes before it. Remembering that hit (and the sum where a fruitless search stopped) gives bup's
/// exact cuts in linear time, where bup itself rescans up to 8 MiB after every forced cut.
/// Not thread-safe: one splitter per stream.
/// </remarks>
public sealed class HashSplitter
{
    /// <summary>Hard cap on chunk size (4 x 8 KiB).</summary>
    public const int BlobMax = 32768;

    /// <summary>bup's read size; put boundaries change results, so sources must be read in these blocks.</summary>
    public const int ReadSize = 8 * 1024 * 1024;

    private const int BlobBits = 13;
    private const uint SplitMask = (1u << BlobBits) - 1;
    private const int Prologue = RollingSum.WindowSize;

    private readonly int _fanBits;
    private readonly byte[] _remainder = new byte[BlobMax];
    private int _remainderLength;
    private long _streamPos;

    // The pure-scan cache, in absolute stream positions (see remarks).
    private long _pureStart = long.MaxValue;
    private long _pureEnd;
    private long _pureHit = -1;
    private uint _pureS1;
    private uint _pureS2;

    /// <summary>Creates a splitter; <paramref name="fanBits"/> is log2 of the fanout (bup default 4).</summary>
    public HashSplitter(int fanBits = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanBits, 1);
        _fanBits = fanBits;
    }

    /// <summary>Total bytes put so far.</summary>
    public long BytesIn => _streamPos + _remainderLength;

    /// <summary>Adds one put of data and returns the chunks it completes.</summary>
    public SplitBatch Put(ReadOnlySpan<byte> block)
    {
        var buffer = RentWithRemainder(block.Length);
        block.CopyTo(buffer.AsSpan(_remainderLength));
        return Cut(buffer, _remainderLength + block.Length);
    }

    /// <summary>
    /// Adds one put held in the caller's <paramref name="buffer"/> (its first
    /// <paramref name="length"/> bytes). When nothing is left over from an earlier put the chunks
    /// are cut in place: no copy and no pooled array, which a save's workers would otherwise each
    /// keep (one per size class) for the whole run. The buffer must stay unchanged until the batch
    /// is disposed; disposing does not return it anywhere.
    /// </summary>
    public SplitBatch PutInPlace(byte[] buffer, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return _remainderLength == 0 ? Cut(buffer, length, pooled: false) : Put(buffer.AsSpan(0, length));
    }

    /// <summary>
    /// Reads one put of up to <paramref name="count"/> bytes from <paramref name="source"/> straight
    /// into the batch buffer (fewer only at the end of the stream) and returns the chunks it
    /// completes, or null when the stream had nothing left. Saves <see cref="Put(ReadOnlySpan{byte})"/>'s copy.
    /// </summary>
    public SplitBatch? Put(Stream source, int count = ReadSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var buffer = RentWithRemainder(count);
        int n;
        try
        {
            n = source.ReadAtLeast(buffer.AsSpan(_remainderLength, count), count, throwOnEndOfStream: false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (n == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }

        return Cut(buffer, _remainderLength + n);
    }

    /// <summary>A pooled buffer with room for the unconsumed bytes of the last put and <paramref name="extra"/> more, holding the former.</summary>
    private byte[] RentWithRemainder(int extra)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_remainderLength + extra, 1));
        _remainder.AsSpan(0, _remainderLength).CopyTo(buffer);
        return buffer;
    }

    private SplitBatch Cut(byte[] buffer, int length, bool pooled = true)
    {
        var chunks = new List<ChunkCut>((length / 8192) + 2);
        var consumed = Split(buffer, length, chunks);
        _remainderLength = length - consumed;
        buffer.AsSpan(consumed, _remainderLength).CopyTo(_remainder);
        _streamPos += consumed;
        return new SplitBatch(buffer, chunks, pooled);
    }

    /// <summary>Ends the stream: the unconsumed bytes become the last chunk (level 0).</summary>
    public SplitBatch Finish()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_remainderLength, 1));
        _remainder.AsSpan(0, _remainderLength).CopyTo(buffer);
        var chunks = new List<ChunkCut>(1);
        if (_remainderLength > 0)
        {
            chunks.Add(new ChunkCut(0, _remainderLength, 0));
        }

        _streamPos += _remainderLength;
        _remainderLength = 0;
        return new SplitBatch(buffer, chunks);
    }

    private int Split(byte[] buffer, int length, List<ChunkCut> chunks)
    {
        var s = 0;
        while (true)
        {
            var (hit, digest) = FindSplit(buffer, s, length);
            if (hit < 0)
            {
                break;
            }

            var ofs = hit + 1 - s;
            var level = ofs > BlobMax ? 0 : (Bits(digest) - BlobBits) / _fanBits;
            ofs = Math.Min(ofs, BlobMax);
            chunks.Add(new ChunkCut(s, ofs, level));
            s += ofs;
        }

        while (length - s >= BlobMax)
        {
            chunks.Add(new ChunkCut(s, BlobMax, 0));
            s += BlobMax;
        }

        return s;
    }

    /// <summary>bup's level bits: 13 plus the run of ones from digest bit 14 up (bit 13 is skipped).</summary>
    internal static int Bits(uint digest)
    {
        var rsum = digest >> BlobBits;
        var bits = BlobBits;
        while (((rsum >>= 1) & 1) != 0)
        {
            bits++;
        }

        return bits;
    }

    /// <summary>
    /// The first split position (buffer index of the last byte of the chunk) of a fresh search
    /// starting at <paramref name="s"/>, or -1, with the digest there.
    /// </summary>
    private (int Hit, uint Digest) FindSplit(byte[] buffer, int s, int length)
    {
        uint s1 = RollingSum.InitialS1, s2 = RollingSum.InitialS2;
        var prologueEnd = Math.Min(s + Prologue, length);
        for (var x = s; x < prologueEnd; x++)
        {
            uint add = buffer[x];
            s1 += add;
            s2 += s1 - (RollingSum.WindowSize * RollingSum.CharOffset);
            if ((s2 & SplitMask) == SplitMask)
            {
                return (x, RollingSum.Combine(s1, s2));
            }
        }

        if (prologueEnd == length)
        {
            return (-1, 0);
        }

        return FindPureSplit(buffer, s + Prologue, length, s1, s2);
    }

    private (int Hit, uint Digest) FindPureSplit(byte[] buffer, int from, int length, uint s1, uint s2)
    {
        var absFrom = _streamPos + from;
        if (_pureStart <= absFrom && _pureHit >= absFrom)
        {
            return ((int)(_pureHit - _streamPos), RollingSum.Combine(_pureS1, _pureS2));
        }

        var start = absFrom;
        if (_pureStart <= absFrom && _pureHit < 0 && _pureEnd > absFrom)
        {
            // An earlier fruitless search already covered [from, _pureEnd): carry on from there.
            start = _pureStart;
            from = (int)(_pureEnd - _streamPos);
            s1 = _pureS1;
            s2 = _pureS2;
        }

        var hit = Scan(buffer, from, length, ref s1, ref s2);
        _pureStart = start;
        _pureHit = hit < 0 ? -1 : _streamPos + hit;
        _pureEnd = hit < 0 ? _streamPos + length : _pureHit + 1;
        _pureS1 = s1;
        _pureS2 = s2;
        return (hit, RollingSum.Combine(s1, s2));
    }

    /// <summary>Rolls bytes [from, to) (all at least 64 bytes past the search start); -1 if no split.</summary>
    private static int Scan(byte[] buffer, int from, int to, ref uint s1, ref uint s2) =>
        RollingSumScan.Find(buffer, from, to, ref s1, ref s2);
}
