using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace BupStore.Formats;

/// <summary>
/// zlib (RFC 1950) streams for pack objects. Compression goes through libdeflate where installed
/// (smaller than the classic zlib bup uses, at the same level) and otherwise through .NET's
/// zlib-ng, one level up at level 1. Data that would not shrink is written as stored deflate
/// blocks: still a valid zlib stream for git and bup, at memcpy speed, so that time is never spent
/// compressing random data. Deciding that from byte histograms costs far less than trying to
/// compress.
/// </summary>
public static class ZlibCodec
{
    private const int StoredBlockMax = 65535;
    private const int SampleSize = 4096;
    private const double SampleThreshold = 7.8;

    // How far below random data's entropy a whole buffer may measure and still be stored: on real
    // files (docs/benchmarks.md, "Compression") deflate would have saved 1.5 KB in 460 MB on the
    // chunks this lets through as stored, against 908 KB for the 4 KiB sample alone.
    private const double WholeMargin = 0.02;

    private static readonly double[] s_countLog2Count = CountLog2Count();

    /// <summary>Compresses <paramref name="data"/> into <paramref name="output"/> (appending).</summary>
    /// <param name="data">The object content.</param>
    /// <param name="level">zlib level 0..9; bup's default is 1.</param>
    /// <param name="output">Receives the complete zlib stream.</param>
    public static void Compress(ReadOnlySpan<byte> data, int level, MemoryStream output)
    {
        // .NET's ZLibStream emits no bytes at all when nothing is written to it; git needs a
        // complete stream even for the empty blob, so empty input goes out as one stored block.
        if (level == 0 || data.IsEmpty || LooksIncompressible(data))
        {
            WriteStored(data, output);
            return;
        }

        if (!LibDeflateCompressor.TryCompress(data, Math.Clamp(level, 1, 9), output))
        {
            CompressWithZlibNg(data, level, output);
        }
    }

    /// <summary>The path without libdeflate (internal so tests cover it where libdeflate is installed).</summary>
    internal static void CompressWithZlibNg(ReadOnlySpan<byte> data, int level, MemoryStream output)
    {
        // zlib-ng's level 1 is its "deflate_quick" (static Huffman codes, short matches): ~20% larger
        // than classic zlib's level 1 on real files, and it never falls back to stored blocks, so
        // random data grew by 5%. Its level 2 is about classic level 1's size.
        var start = output.Length;
        using (var z = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = level == 1 ? 2 : level }, leaveOpen: true))
        {
            z.Write(data);
        }

        if (output.Length - start > StoredLength(data.Length))
        {
            output.SetLength(start);
            WriteStored(data, output);
        }
    }

    /// <summary>The size of <see cref="WriteStored"/>'s stream for <paramref name="length"/> bytes.</summary>
    public static long StoredLength(int length) => 2 + (5L * Math.Max(1, (length + StoredBlockMax - 1) / StoredBlockMax)) + length + 4;

    /// <summary>Writes data as a zlib stream of stored (uncompressed) deflate blocks.</summary>
    public static void WriteStored(ReadOnlySpan<byte> data, MemoryStream output)
    {
        output.WriteByte(0x78);
        output.WriteByte(0x01);
        Span<byte> header = stackalloc byte[5];
        var pos = 0;
        do
        {
            var n = Math.Min(StoredBlockMax, data.Length - pos);
            var final = pos + n == data.Length;
            header[0] = (byte)(final ? 1 : 0);
            BinaryPrimitives.WriteUInt16LittleEndian(header[1..], (ushort)n);
            BinaryPrimitives.WriteUInt16LittleEndian(header[3..], (ushort)~n);
            output.Write(header);
            output.Write(data.Slice(pos, n));
            pos += n;
        }
        while (pos < data.Length);

        Span<byte> adler = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(adler, Adler32.HashToUInt32(data));
        output.Write(adler);
    }

    /// <summary>
    /// True when the data has near-maximal byte entropy (random or already compressed), where
    /// deflate would cost time and save nothing. A 4 KiB sample decides for most data; when it looks
    /// random, the whole buffer must too, since a chunk can start with compressed bytes and go on
    /// with something that shrinks (a tar of small .gz files: headers between the members).
    /// Buffers under 4 KiB are always compressed: they are few, and libdeflate stores them itself.
    /// </summary>
    public static bool LooksIncompressible(ReadOnlySpan<byte> data)
    {
        if (data.Length < SampleSize)
        {
            return false;
        }

        Span<int> counts = stackalloc int[256];
        CountSample(data[..SampleSize], counts);

        // A 4 KiB sample of uniform random bytes measures about 7.95 bits; text is near 4-5.
        if (Entropy(counts, SampleSize) < SampleThreshold)
        {
            return false;
        }

        Count(data[SampleSize..], counts);
        return Entropy(counts, data.Length) >= RandomEntropy(data.Length) - WholeMargin;
    }

    // The byte entropy measured over n uniform random bytes falls short of 8 bits by about
    // 255 / (2 n ln 2) (the plug-in estimator's bias, Miller 1955): 0.045 bits at 4 KiB.
    private static double RandomEntropy(int n) => 8 - (255 / (2.0 * n * Math.Log(2)));

    // Four tables, so that runs of one byte value (text, zeros) do not make every increment wait for
    // the one before; this and the table below halved the sample test's cost.
    private static void CountSample(ReadOnlySpan<byte> sample, Span<int> counts)
    {
        Span<int> four = stackalloc int[1024];
        for (var i = 0; i + 3 < sample.Length; i += 4)
        {
            four[sample[i]]++;
            four[256 + sample[i + 1]]++;
            four[512 + sample[i + 2]]++;
            four[768 + sample[i + 3]]++;
        }

        for (var b = 0; b < 256; b++)
        {
            counts[b] = four[b] + four[256 + b] + four[512 + b] + four[768 + b];
        }
    }

    private static void Count(ReadOnlySpan<byte> data, Span<int> counts)
    {
        foreach (var b in data)
        {
            counts[b]++;
        }
    }

    // Entropy = log2(n) - sum(c log2 c) / n, with c log2 c looked up for every count a sample can hold.
    private static double Entropy(ReadOnlySpan<int> counts, int total)
    {
        var table = s_countLog2Count;
        double sum = 0;
        foreach (var c in counts)
        {
            sum += c < table.Length ? table[c] : c * Math.Log2(c);
        }

        return Math.Log2(total) - (sum / total);
    }

    private static double[] CountLog2Count()
    {
        var table = new double[SampleSize + 1];
        for (var c = 1; c < table.Length; c++)
        {
            table[c] = c * Math.Log2(c);
        }

        return table;
    }
}
