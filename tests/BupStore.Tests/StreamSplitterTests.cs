using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;
using Repo = BupStore.Repository.Repository;
using BupStore.Tests.Support;

namespace BupStore.Tests;

/// <summary>
/// The pipelined splitter against bup's vectors (docs/formats/hashsplit.md, "Test vectors") and the literal reference
/// split: ids, stored objects, put sizes, keep-boundaries, compute-only mode and failures.
/// </summary>
public sealed class StreamSplitterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bupstore-split-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("mixed.bin", "2120c3c6c272ded29a2b4e1d099f16b2c262f90a")]
    [InlineData("blockquirk.bin", "a29b293127c6da8cf976488e72b4f7cf156961c3")]
    public void StoresBupVectorTrees(string name, string treeId)
    {
        var data = TestData.Named(name);
        using var repo = Repo.Init(Path.Combine(_root, "repo"));
        var blobs = new List<ObjectId>();
        ObjectId tree;
        using (var writer = repo.CreateWriter())
        {
            var result = new StreamSplitter(writer) { OnBlob = blobs.Add }.Split([new MemoryStream(data)]);
            tree = result.Tree.FinishTree();
            writer.Close();
            Assert.Equal(data.Length, result.Size);
            Assert.Equal(blobs.Count, result.Chunks);
        }

        Assert.Equal(treeId, tree.ToString());
        repo.Objects.Refresh();
        Assert.Equal(data, blobs.SelectMany(b => repo.Objects.Read(b, ObjectType.Blob)).ToArray());
        Assert.NotEmpty(repo.Objects.ReadTree(tree));
    }

    [Fact]
    public void WithoutAWriterGivesTheSameIds()
    {
        var data = TestData.BlockQuirk;
        var blobs = new List<ObjectId>();
        var result = new StreamSplitter(null) { OnBlob = blobs.Add }.Split([new MemoryStream(data)]);
        Assert.Equal("a29b293127c6da8cf976488e72b4f7cf156961c3", result.Tree.FinishTree().ToString());
        Assert.Equal(IdOnlySplit.Run([data]).Chunks.Select(c => c.Id), blobs);
    }

    [Fact]
    public void PutSizeMovesCutsAsBupDoes()
    {
        const int putSize = 65536;
        // A put ending in a run without split points is cut every 32 KiB without a fresh search at
        // each cut (the quirk), so 64 KiB puts (split --git-ids) cut quirkcat.bin unlike 8 MiB ones.
        var data = TestData.QuirkCat;
        var expected = new List<ObjectId>();
        var pos = 0;
        foreach (var (length, _) in ReferenceSplit.Cuts(data, putSize))
        {
            expected.Add(ObjectHasher.Compute(ObjectType.Blob, data.AsSpan(pos, length)));
            pos += length;
        }

        var blobs = new List<ObjectId>();
        new StreamSplitter(null) { OnBlob = blobs.Add, PutSize = putSize }.Split([new MemoryStream(data)]);
        Assert.Equal(expected, blobs);
        Assert.NotEqual(expected, IdOnlySplit.Run([data]).Chunks.Select(c => c.Id));
    }

    [Fact]
    public void KeepBoundariesSplitsEachSourceAlone()
    {
        byte[][] files = [TestData.Quirk, TestData.R1m, TestData.Zeros(40_000)];
        var tree = new ChunkTreeBuilder((type, body) => ObjectHasher.Compute(type, body));
        var expected = new List<ObjectId>();
        foreach (var file in files)
        {
            foreach (var chunk in IdOnlySplit.Run([file]).Chunks)
            {
                tree.Add(chunk.Id, chunk.Length, chunk.Level);
                expected.Add(chunk.Id);
            }
        }

        var blobs = new List<ObjectId>();
        var kept = new StreamSplitter(null) { OnBlob = blobs.Add }.Split(files.Select(f => (Stream)new MemoryStream(f)), keepBoundaries: true);
        Assert.Equal(expected, blobs);
        Assert.Equal(tree.FinishTree(), kept.Tree.FinishTree());
        var joined = new StreamSplitter(null).Split(files.Select(f => (Stream)new MemoryStream(f)));
        // Without keep-boundaries every source still starts a new put, as in bup's readfile_iter.
        Assert.Equal(IdOnlySplit.Run(files).Tree.FinishTree(), joined.Tree.FinishTree());
    }

    [Fact]
    public void ReadFailureSurfacesAndPublishesNothing()
    {
        using var repo = Repo.Init(Path.Combine(_root, "repo"));
        using (var writer = repo.CreateWriter())
        {
            var source = new FailingStream(TestData.R20m, failAt: 17_000_000);
            var error = Assert.Throws<IOException>(() => { new StreamSplitter(writer).Split([source]); });
            Assert.Equal("disk on fire", error.Message);
        }

        Assert.Empty(Directory.GetFiles(repo.PackDir, "*.pack"));
        Assert.Empty(Directory.GetDirectories(repo.ObjectsDir, "pack-tmp-*"));
    }

    [Fact]
    public void EmptySourcesGiveTheEmptyTree()
    {
        var result = new StreamSplitter(null).Split([new MemoryStream(), new MemoryStream()]);
        Assert.Equal((0L, 0L), (result.Size, result.Chunks));
        Assert.Equal(ObjectId.EmptyTree, result.Tree.FinishTree());
    }
}

/// <summary>Serves bytes, then fails with an IOException once a position is reached.</summary>
internal sealed class FailingStream(byte[] data, int failAt) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAt)
        {
            throw new IOException("disk on fire");
        }

        var n = Math.Min(buffer.Length, Math.Min(failAt, data.Length) - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
