using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace BupStore.Formats;

/// <summary>
/// zlib (RFC 1950) streams for pack objects. Data that would not shrink is written as stored
/// deflate blocks: still a valid zlib stream for git and bup, at memcpy speed, so that time is
/// never spent compressing random data. Deciding that from a byte histogram costs far less than
/// trying to compress.
/// </summary>
public static class ZlibCodec
{
    private const int StoredBlockMax = 65535;

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

        using var z = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
        z.Write(data);
    }

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
    /// True when a sample of the data has near-maximal byte entropy (random or already compressed),
    /// where level-1 deflate would cost time and save nothing.
    /// </summary>
    public static bool LooksIncompressible(ReadOnlySpan<byte> data)
    {
        if (data.Length < 256)
        {
            return false;
        }

        var sample = data.Length <= 4096 ? data : data[..4096];
        Span<int> counts = stackalloc int[256];
        foreach (var b in sample)
        {
            counts[b]++;
        }

        double entropy = 0;
        double n = sample.Length;
        foreach (var c in counts)
        {
            if (c != 0)
            {
                var p = c / n;
                entropy -= p * Math.Log2(p);
            }
        }

        // A 4 KiB sample of uniform random bytes measures about 7.95 bits; text is near 4-5.
        var threshold = sample.Length >= 4096 ? 7.8 : 7.0 + (0.8 * sample.Length / 4096);
        return entropy >= threshold;
    }
}
