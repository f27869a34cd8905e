using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Saves;
using BupStore.Tests.Support;
using Repo = BupStore.Repository.Repository;

namespace BupStore.Tests;

/// <summary>
/// The save-writing primitives of BupStore/Saves: a stream and a byte string split to the same
/// blob or chunk tree as the reference splitter (docs/formats/hashsplit.md, "Single blob or tree"),
/// and one directory written as its .bupm plus a tree of mangled names (docs/formats/saved-trees.md).
/// </summary>
public sealed class SaveWritersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bupstore-saves-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("mixed.bin")]
    [InlineData("blockquirk.bin")]
    public void StreamAndBytesSplitAsTheReferenceSplitter(string name)
    {
        var data = TestData.Named(name);
        var expected = new StreamSplitter(null).Split([new MemoryStream(data)]).Tree.FinishBlobOrTree();
        using var repo = Repo.Init(Path.Combine(_root, "repo"));
        using var objects = repo.CreateWriter();
        var writer = new ConcurrentObjectWriter(objects);
        Assert.Equal(expected, BlobSplitter.Split(writer, new MemoryStream(data)));
        Assert.Equal(expected, BlobSplitter.Split(writer, data));
        writer.Close();
        repo.Objects.Refresh();
        Assert.NotEmpty(repo.Objects.ReadTree(expected.Id));
    }

    [Fact]
    public void EmptyStreamIsTheStoredEmptyBlob()
    {
        using var repo = Repo.Init(Path.Combine(_root, "repo"));
        using var objects = repo.CreateWriter();
        var writer = new ConcurrentObjectWriter(objects);
        Assert.Equal((GitFileMode.Regular, ObjectId.EmptyBlob), BlobSplitter.Split(writer, new MemoryStream()));
        writer.Close();
        repo.Objects.Refresh();
        Assert.Empty(repo.Objects.Read(ObjectId.EmptyBlob, ObjectType.Blob));
    }

    [Fact]
    public void DirectoryIsBupmAndMangledTree()
    {
        using var repo = Repo.Init(Path.Combine(_root, "repo"));
        using var objects = repo.CreateWriter();
        var writer = new ConcurrentObjectWriter(objects);
        var dirMeta = new BupMetadata { Mode = 0x41ED };
        var small = new BupMetadata { Mode = 0x81A4, Size = 1 };
        var big = new BupMetadata { Mode = 0x81A4, Size = 2 };
        var blob = writer.Write(ObjectType.Blob, "x"u8);
        var chunks = BlobSplitter.Split(writer, TestData.Named("mixed.bin"));
        var sub = SaveTreeWriter.Write(writer, null, []);
        SaveTreeEntry[] entries =
        [
            new("d"u8.ToArray(), true, GitFileMode.Tree, sub, null),
            new("big"u8.ToArray(), false, chunks.Mode, chunks.Id, big),
            new("a"u8.ToArray(), false, GitFileMode.Regular, blob, small),
        ];
        var tree = SaveTreeWriter.Write(writer, dirMeta, entries);
        writer.Close();
        repo.Objects.Refresh();
        var listed = repo.Objects.ReadTree(tree);
        Assert.Equal([".bupm", "a", "big.bup", "d"], listed.Select(e => e.DisplayName));
        var bupm = Bupm.Build(dirMeta, [("a"u8.ToArray(), small), ("big"u8.ToArray(), big)]);
        Assert.Equal(bupm, repo.Objects.Read(listed[0].Id, ObjectType.Blob));
    }
}
