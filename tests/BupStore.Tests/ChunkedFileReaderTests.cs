using BupStore.Hashsplit;
using BupStore.Objects;
using Repo = BupStore.Repository.Repository;

namespace BupStore.Tests;

/// <summary>
/// Random access through chunk trees: sequential reads (which use the last bottom-level tree as a
/// shortcut), random and concurrent reads and reads at the end must all give the file's bytes.
/// </summary>
public sealed class ChunkedFileReaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bupstore-reader-").FullName;
    private readonly byte[] _data;
    private readonly Repo _repo;
    private readonly ObjectId _top;

    public ChunkedFileReaderTests()
    {
        // Text-like runs between random ones, so chunks vary in size; fanout 2 makes the tree deep.
        var rng = new Random(21);
        _data = new byte[3_000_000];
        rng.NextBytes(_data);
        for (var i = 0; i < _data.Length; i += 40_000)
        {
            _data.AsSpan(i, Math.Min(15_000, _data.Length - i)).Fill((byte)('a' + (i % 26)));
        }

        _repo = Repo.Init(Path.Combine(_root, "repo"));
        using (var writer = _repo.CreateWriter())
        {
            _top = new StreamSplitter(writer, fanBits: 1).Split([new MemoryStream(_data)]).Tree.FinishTree();
            writer.Close();
        }

        _repo.Objects.Refresh();
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private ChunkedFileReader Reader() => new(new StoreChunkSource(_repo.Objects), GitFileMode.Tree, _top);

    [Theory]
    [InlineData(1000)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void SequentialReadsGiveTheFile(int block)
    {
        var reader = Reader();
        var copy = new byte[_data.Length + block];
        long done = 0;
        int n;
        while ((n = reader.Read(done, copy.AsSpan((int)done, block))) > 0)
        {
            done += n;
        }

        Assert.Equal(_data.Length, done);
        Assert.True(copy.AsSpan(0, _data.Length).SequenceEqual(_data));
        Assert.Equal(_data.Length, reader.Length);
    }

    [Fact]
    public void RandomReadsFromSeveralThreadsGiveTheFile()
    {
        var reader = Reader();
        Parallel.For(0, 4, t =>
        {
            var rng = new Random(t);
            var buffer = new byte[70_000];
            for (var k = 0; k < 300; k++)
            {
                var offset = rng.NextInt64(_data.Length);
                var length = rng.Next(1, buffer.Length);
                var n = reader.Read(offset, buffer.AsSpan(0, length));
                Assert.Equal((int)Math.Min(length, _data.Length - offset), n);
                Assert.True(buffer.AsSpan(0, n).SequenceEqual(_data.AsSpan((int)offset, n)));
            }
        });
    }

    [Fact]
    public void ReadsAtAndPastTheEndGiveNothing()
    {
        var reader = Reader();
        var buffer = new byte[100];
        Assert.Equal(10, reader.Read(_data.Length - 10, buffer));
        Assert.Equal(0, reader.Read(_data.Length, buffer));
        Assert.Equal(0, reader.Read(_data.Length + 12345, buffer));
        Assert.Equal(100, reader.Read(0, buffer));
        Assert.False(reader.TryLocate(-1, out _, out _));
    }
}
