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

    // An id no content has: for entries whose bytes must fail before anything is hashed.
    private static ObjectId Id(int n) => ObjectId.Parse(n.ToString("x40"));

    private static ObjectId Blob(byte[] content) => ObjectHasher.Compute(ObjectType.Blob, content);

    [Fact]
    public void CompressedStoredEmptyAndPaddedStreamsReadBack()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i}\n")));
        var text2 = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"row {i}\n")));
        var random = new byte[200_000];
        new Random(5).NextBytes(random);
        var random2 = new byte[200_000];
        new Random(6).NextBytes(random2);
        using var store = WritePack(
            (Blob(text), text.Length, ZlibStreams.Deflate(text)),
            (Blob(random), random.Length, ZlibStreams.Stored(random)),
            (Blob([]), 0, ZlibStreams.Stored([])),
            (Blob(text2), text2.Length, Padded(text2)),
            (Blob(random2), random2.Length, ZlibStreams.Deflate(random2, CompressionLevel.SmallestSize)));

        Assert.Equal(text, store.Read(Blob(text)).Data);
        Assert.Equal(random, store.Read(Blob(random)).Data);
        Assert.Empty(store.Read(Blob([])).Data);
        Assert.Equal(text2, store.Read(Blob(text2)).Data);
        Assert.Equal(random2, store.Read(Blob(random2)).Data);
    }

    [Theory]
    [InlineData(+1, "ends before")]
    [InlineData(-1, "longer than")]
    public void SizeThatDisagreesWithTheStreamIsCorrupt(int delta, string reason)
    {
        var data = Encoding.ASCII.GetBytes(new string('a', 5000) + "end");
        using var store = WritePack((Id(1), data.Length + delta, ZlibStreams.Deflate(data)), (Blob(data), data.Length, ZlibStreams.Deflate(data)));

        var e = Assert.Throws<CorruptObjectException>(() => store.Read(Id(1)));
        Assert.Contains(".pack", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal(data, store.Read(Blob(data)).Data);
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
        var padded = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"item {i}\n")));
        using var store = WritePack((Blob(text), text.Length, ZlibStreams.Deflate(text)), (Blob(random), random.Length, ZlibStreams.Stored(random)), (Blob(padded), padded.Length, Padded(padded)));

        var buffer = new byte[text.Length];
        Assert.True(store.TryReadBlobInto(Blob(text), buffer));
        Assert.Equal(text, buffer);
        var whole = new byte[random.Length];
        Assert.True(store.TryReadBlobInto(Blob(random), whole));
        Assert.Equal(random, whole);

        Assert.False(store.TryReadBlobInto(Blob(text), new byte[text.Length + 1]));
        Assert.False(store.TryReadBlobInto(Blob(text), new byte[text.Length - 1]));
        Assert.False(store.TryReadBlobInto(Id(99), new byte[10]));
        Assert.False(store.TryReadBlobInto(Blob(padded), new byte[padded.Length])); // needs the streaming path
        Assert.Equal(padded, store.Read(Blob(padded)).Data);
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

    [Fact]
    public void ContentThatHashesToAnotherIdIsCorruptOnEveryPath()
    {
        // What an idx pointing an id at another object's offset amounts to: a sound entry, wrong id.
        var data = Encoding.ASCII.GetBytes("the bytes of some other object");
        var padded = Encoding.ASCII.GetBytes("other bytes again, long enough to pad");
        // A fresh store for each path: the first failure quarantines the pack, after which the fast
        // path declines it and leaves the report to the general path.
        foreach (var read in (Action<ObjectStore>[])[s => s.Read(Id(7)), s => s.TryReadBlobInto(Id(7), new byte[data.Length]), s => s.Read(Id(8))])
        {
            using var store = WritePack((Id(7), data.Length, ZlibStreams.Deflate(data)), (Id(8), padded.Length, Padded(padded)));
            var e = Assert.Throws<CorruptObjectException>(() => read(store));
            Assert.Contains(".pack", e.Message, StringComparison.Ordinal);
            Assert.Matches($"object ({Id(7)}|{Id(8)}) at [0-9]+: content hashes to ({Blob(data)}|{Blob(padded)})", e.Message);
        }
    }
}
