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
        Assert.False(reader.TryLocate(-1, out _, out _, out _));
    }

    [Fact]
    public void ChunksALargeReadCoversWholeGoStraightIntoTheBuffer()
    {
        var source = new CountingSource(new StoreChunkSource(_repo.Objects));
        var reader = new ChunkedFileReader(source, GitFileMode.Tree, _top);
        var buffer = new byte[1 << 20];
        var reads = 0;
        for (long offset = 0; offset < _data.Length; offset += buffer.Length, reads++)
        {
            var n = reader.Read(offset, buffer);
            Assert.True(buffer.AsSpan(0, n).SequenceEqual(_data.AsSpan((int)offset, n)));
        }

        // Only the chunks cut by a read's two ends (and the last one, for the length) are fetched whole.
        Assert.InRange(source.WholeBlobs, 1, (2 * reads) + 1);
        Assert.True(source.DirectBlobs > 10 * source.WholeBlobs, $"{source.DirectBlobs} direct, {source.WholeBlobs} whole");
    }

    [Fact]
    public void DeltifiedChunksAfterAGitRepackStillRead()
    {
        // Near-identical 30 KB runs give chunks git stores as deltas of one another once repacked.
        var block = new byte[30_000];
        new Random(4).NextBytes(block);
        var data = new byte[600_000];
        for (var i = 0; i < data.Length; i += block.Length)
        {
            block[i / block.Length] ^= 0x5A;
            block.CopyTo(data, i);
        }

        ObjectId top;
        using (var writer = _repo.CreateWriter())
        {
            top = new StreamSplitter(writer, fanBits: 1).Split([new MemoryStream(data)]).Tree.FinishTree();
            writer.Close();
        }

        Git("update-ref", "refs/heads/keep", CommitOf(top));
        Git("repack", "-a", "-d", "-f", "-q", "--window=50", "--depth=50");
        _repo.Objects.Refresh();
        Assert.True(CountDeltas() > 0, "git stored no chunk as a delta");

        var reader = new ChunkedFileReader(new StoreChunkSource(_repo.Objects), GitFileMode.Tree, top);
        var copy = new byte[data.Length];
        Assert.Equal(data.Length, reader.Read(0, copy));
        Assert.Equal(data, copy);
    }

    private string CommitOf(ObjectId tree) => Git("commit-tree", tree.ToString(), "-m", "keep").Trim();

    private int CountDeltas() => _repo.Objects.ListPacks().Sum(p =>
        Enumerable.Range(0, p.Index.Count).Count(i => p.Pack.ReadHeader(p.Index.GetOffset(i)).Type is ObjectType.OfsDelta or ObjectType.RefDelta));

    private string Git(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--git-dir=" + Path.Combine(_root, "repo"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var git = System.Diagnostics.Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return output;
    }

    /// <summary>The store's own source, counting which way blobs were asked for.</summary>
    private sealed class CountingSource(IChunkSource inner) : IChunkSource
    {
        private int _whole, _direct;

        public int WholeBlobs => _whole;

        public int DirectBlobs => _direct;

        public ChunkTree GetChunkTree(ObjectId id) => inner.GetChunkTree(id);

        public byte[] GetBlob(ObjectId id)
        {
            Interlocked.Increment(ref _whole);
            return inner.GetBlob(id);
        }

        public bool TryReadBlobInto(ObjectId id, Span<byte> destination)
        {
            var done = inner.TryReadBlobInto(id, destination);
            if (done)
            {
                Interlocked.Increment(ref _direct);
            }

            return done;
        }
    }
}
