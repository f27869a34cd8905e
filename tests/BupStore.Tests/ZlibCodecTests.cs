using System.IO.Compression;
using BupStore.Formats;

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
        Assert.True(stream.Length > size, "random data should be stored, not deflated");
    }

    private static byte[] AssertRoundTrip(int level, byte[] data)
    {
        using var output = new MemoryStream();
        ZlibCodec.Compress(data, level, output);
        var stream = output.ToArray();
        Assert.NotEmpty(stream);
        using var inflate = new ZLibStream(new MemoryStream(stream), CompressionMode.Decompress);
        using var back = new MemoryStream();
        inflate.CopyTo(back);
        Assert.Equal(data, back.ToArray());
        return stream;
    }

    private static byte[] Text(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)("backup text "[i % 12]))];
}
