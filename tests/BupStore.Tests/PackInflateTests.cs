using System.IO.Compression;
using System.Text;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Tests.Support;

namespace BupStore.Tests;

/// <summary>
/// Pack entries are inflated in one call from a single read; every way a stream can disagree with
/// its header's size, or run past the bytes read, must give the right data or a clear error.
/// </summary>
public sealed class PackInflateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bupfs-inflate-").FullName;

    public PackInflateTests() => Directory.CreateDirectory(Path.Combine(_dir, "pack"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A valid zlib stream padded with empty stored blocks: far longer than zlib's own worst case,
    // so it cannot fit the single read and must be inflated through the stream.
    private static byte[] Padded(byte[] data)
    {
        var body = ZlibStreams.Stored(data);
        using var output = new MemoryStream();
        output.Write(body.AsSpan(0, 2));
        for (var i = 0; i < 4000; i++)
        {
            output.Write([0x00, 0x00, 0x00, 0xFF, 0xFF]); // not final, stored, length 0
        }

        output.Write(body.AsSpan(2));
        return output.ToArray();
    }

    private ObjectStore WritePack(params (ObjectId Id, long Size, byte[] Zlib)[] entries)
    {
        BlobPacks.Write(_dir, entries);
        return new ObjectStore(_dir);
    }

    private static ObjectId Id(int n) => ObjectId.Parse(n.ToString("x40"));

    [Fact]
    public void CompressedStoredEmptyAndPaddedStreamsReadBack()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i}\n")));
        var random = new byte[200_000];
        new Random(5).NextBytes(random);
        using var store = WritePack(
            (Id(1), text.Length, ZlibStreams.Deflate(text)),
            (Id(2), random.Length, ZlibStreams.Stored(random)),
            (Id(3), 0, ZlibStreams.Stored([])),
            (Id(4), text.Length, Padded(text)),
            (Id(5), random.Length, ZlibStreams.Deflate(random, CompressionLevel.SmallestSize)));

        Assert.Equal(text, store.Read(Id(1)).Data);
        Assert.Equal(random, store.Read(Id(2)).Data);
        Assert.Empty(store.Read(Id(3)).Data);
        Assert.Equal(text, store.Read(Id(4)).Data);
        Assert.Equal(random, store.Read(Id(5)).Data);
    }

    [Theory]
    [InlineData(+1, "ends before")]
    [InlineData(-1, "longer than")]
    public void SizeThatDisagreesWithTheStreamIsCorrupt(int delta, string reason)
    {
        var data = Encoding.ASCII.GetBytes(new string('a', 5000) + "end");
        using var store = WritePack((Id(1), data.Length + delta, ZlibStreams.Deflate(data)), (Id(2), data.Length, ZlibStreams.Deflate(data)));

        var e = Assert.Throws<CorruptObjectException>(() => store.Read(Id(1)));
        Assert.Contains(".pack", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal(data, store.Read(Id(2)).Data);
    }

    [Fact]
    public void WrongChecksumIsCorrupt()
    {
        var data = Encoding.ASCII.GetBytes("checksummed content");
        var zlib = ZlibStreams.Deflate(data);
        zlib[^1] ^= 0x55;
        using var store = WritePack((Id(1), data.Length, zlib));

        var e = Assert.Throws<CorruptObjectException>(() => store.Read(Id(1)));
        Assert.Contains("zlib", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamCutShortAtTheEndOfThePackIsCorrupt()
    {
        var data = new byte[50_000];
        new Random(9).NextBytes(data);
        var zlib = ZlibStreams.Stored(data);
        using var store = WritePack((Id(1), data.Length, zlib[..^1000]));

        var e = Assert.Throws<CorruptObjectException>(() => store.Read(Id(1)));
        Assert.Contains(".pack", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlobsInflateIntoACallersBufferOnlyAtTheirExactSize()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"entry {i}\n")));
        var random = new byte[40_000];
        new Random(3).NextBytes(random);
        using var store = WritePack((Id(1), text.Length, ZlibStreams.Deflate(text)), (Id(2), random.Length, ZlibStreams.Stored(random)), (Id(3), text.Length, Padded(text)));

        var buffer = new byte[text.Length];
        Assert.True(store.TryReadBlobInto(Id(1), buffer));
        Assert.Equal(text, buffer);
        var whole = new byte[random.Length];
        Assert.True(store.TryReadBlobInto(Id(2), whole));
        Assert.Equal(random, whole);

        Assert.False(store.TryReadBlobInto(Id(1), new byte[text.Length + 1]));
        Assert.False(store.TryReadBlobInto(Id(1), new byte[text.Length - 1]));
        Assert.False(store.TryReadBlobInto(Id(99), new byte[10]));
        Assert.False(store.TryReadBlobInto(Id(3), new byte[text.Length])); // needs the streaming path
        Assert.Equal(text, store.Read(Id(3)).Data);
    }

    [Fact]
    public void ABadStreamReadIntoABufferIsCorruptNamingThePack()
    {
        var data = Encoding.ASCII.GetBytes("checksummed content, read straight into a reply");
        var zlib = ZlibStreams.Deflate(data);
        zlib[^1] ^= 0x55;
        using var store = WritePack((Id(1), data.Length, zlib));

        var e = Assert.Throws<CorruptObjectException>(() => store.TryReadBlobInto(Id(1), new byte[data.Length]));
        Assert.Contains(".pack", e.Message, StringComparison.Ordinal);
    }
}
