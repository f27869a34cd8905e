using System.IO.Compression;
using BupStore.Formats;
using BupStore.Tests.Support;

namespace BupStore.Tests;

/// <summary>Every stream ZlibCodec writes must inflate back to its input, whatever the level or content.</summary>
public sealed class ZlibCodecTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(6, 0)]
    [InlineData(1, 200_000)]
    [InlineData(9, 70_000)]
    public void Round_trips_text(int level, int size) => AssertRoundTrip(level, Text(size));

    [Theory]
    [InlineData(1, 65_535)]
    [InlineData(1, 65_536)]
    [InlineData(1, 300_000)]
    public void Round_trips_random_data_as_stored_blocks(int level, int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        var stream = AssertRoundTrip(level, data);
        Assert.Equal(ZlibCodec.StoredLength(size), stream.Length);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(32_768)]
    public void Compresses_data_that_only_starts_random(int size)
    {
        // A tar of small .gz files: the first 4 KiB look random, the rest does not.
        var data = Text(size + 4096);
        new Random(size).NextBytes(data.AsSpan(0, 4096));

        var stream = AssertRoundTrip(1, data);

        Assert.True(stream.Length < 4096 + (size / 4), $"{stream.Length} bytes: the compressible tail was stored");
    }

    [Fact]
    public void Zlib_ng_path_round_trips_and_never_stores_more_than_stored_blocks()
    {
        var random = new byte[3000]; // under the sample size, so the entropy test lets it through
        new Random(7).NextBytes(random);
        foreach (var (level, data) in new[] { (1, random), (6, random), (1, Text(100_000)), (9, Text(5)) })
        {
            using var output = new MemoryStream();
            ZlibCodec.CompressWithZlibNg(data, level, output);
            Assert.Equal(data, Inflate(output.ToArray()));
            Assert.True(output.Length <= ZlibCodec.StoredLength(data.Length));
        }
    }

    [Fact]
    public void Level_1_is_no_larger_than_classic_zlib_level_1_on_a_real_binary()
    {
        // bup writes with Python's zlib (classic zlib) at level 1; the same chunks must not take
        // more pack than that. A runtime library stands for real data: code, tables, strings.
        if (!ClassicZlib.IsAvailable)
        {
            Assert.Skip("the system's libz.so.1 is not installed");
        }

        var data = File.ReadAllBytes(typeof(object).Assembly.Location);
        long ours = 0, classic = 0;
        for (var at = 0; at + 8192 <= data.Length && at < (8 << 20); at += 8192)
        {
            var chunk = data.AsSpan(at, 8192);
            using var output = new MemoryStream();
            ZlibCodec.Compress(chunk, 1, output);
            ours += output.Length;
            classic += ClassicZlib.CompressedLength(chunk, 1);
        }

        Assert.True(ours <= classic, $"{ours} bytes against classic zlib's {classic}");
    }

    private static byte[] Inflate(byte[] stream)
    {
        using var inflate = new ZLibStream(new MemoryStream(stream), CompressionMode.Decompress);
        using var back = new MemoryStream();
        inflate.CopyTo(back);
        return back.ToArray();
    }

    private static byte[] AssertRoundTrip(int level, byte[] data)
    {
        using var output = new MemoryStream();
        ZlibCodec.Compress(data, level, output);
        var stream = output.ToArray();
        Assert.NotEmpty(stream);
        Assert.Equal(data, Inflate(stream));
        return stream;
    }

    private static byte[] Text(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)("backup text "[i % 12]))];
}
