using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>File contents through Open/Read against the source files.</summary>
[Collection(SavedTreeCollection.Name)]
public sealed class ContentTests(SavedTree tree)
{
    [Fact]
    public void EveryRegularFileReadsBackAsTheSource()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var files = tree.Entries.Where(e => e.Kind == NodeKind.File).ToList();
        Assert.True(files.Count > 15);
        foreach (var file in files)
        {
            var node = fs.Resolve(tree.SavePath(file.Path)).Inode;
            Assert.Equal(SourceBytes(file), fs.ReadAll(node, chunk: 100_000));
        }
    }

    [Fact]
    public void RandomReadsOfAChunkedFileMatchTheSource()
    {
        var (repository, fs) = tree.Open(new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, CacheSizeLimit = 300_000 });
        using var _ = repository;
        using var __ = fs;
        var expected = File.ReadAllBytes(Path.Combine(tree.Source, "big.bin"));
        var node = fs.Resolve(tree.SavePath("big.bin"));
        Assert.True(fs.GetObjectId(node.Inode) is { } id && tree.Repository.Git("cat-file", "-t", id.ToString()) == "tree", "big.bin must be chunked");
        var handle = fs.Open(node.Inode, OpenFlags.Read);
        var random = new Random(7);
        var buffer = new byte[70_000];
        for (var i = 0; i < 1000; i++)
        {
            var offset = random.NextInt64(expected.Length + 10);
            var length = random.Next(buffer.Length);
            var n = fs.Read(handle, buffer.AsSpan(0, length), offset);
            var want = (int)Math.Clamp(expected.Length - offset, 0, length);
            Assert.Equal(want, n);
            Assert.True(expected.AsSpan((int)Math.Min(offset, expected.Length), want).SequenceEqual(buffer.AsSpan(0, n)), $"read {i} at {offset}");
        }

        fs.Release(handle);
        Assert.InRange(fs.Cache.CurrentSize, 1, 300_000);
    }

    [Fact]
    public void ReadsAtAndPastTheEndReturnNothing()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var small = fs.Resolve(tree.SavePath("small.txt"));
        var handle = fs.Open(small.Inode, OpenFlags.Read);
        Assert.True(handle.Immutable);
        Assert.Equal(small.Inode, handle.Node);
        var buffer = new byte[10];
        Assert.Equal(6, fs.Read(handle, buffer, 0));
        Assert.Equal(0, fs.Read(handle, buffer, 6));
        Assert.Equal(0, fs.Read(handle, buffer, 1000));
        Assert.Equal(2, fs.Read(handle, buffer, 4));
        Assert.Equal(FsError.InvalidArgument, Assert.Throws<FsException>(() => fs.Read(handle, buffer, -1)).Error);
        fs.Release(handle);
        var empty = fs.Resolve(tree.SavePath("empty"));
        Assert.Empty(fs.ReadAll(empty.Inode));
    }

    [Fact]
    public void OpenRefusesWritingDirectoriesAndSpecialFiles()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var small = fs.Resolve(tree.SavePath("small.txt")).Inode;
        Assert.Equal(FsError.ReadOnly, Assert.Throws<FsException>(() => fs.Open(small, OpenFlags.Read | OpenFlags.Write)).Error);
        Assert.Equal(FsError.IsDirectory, Assert.Throws<FsException>(() => fs.Open(fs.Resolve(tree.SavePath("d1")).Inode, OpenFlags.Read)).Error);
        Assert.Equal(FsError.IsDirectory, Assert.Throws<FsException>(() => fs.Open(fs.RootNode, OpenFlags.Read)).Error);
        Assert.Equal(FsError.InvalidArgument, Assert.Throws<FsException>(() => fs.Open(fs.Resolve(tree.SavePath("fifo")).Inode, OpenFlags.Read)).Error);
        Assert.Equal(FsError.InvalidArgument, Assert.Throws<FsException>(() => fs.Open(fs.Resolve(tree.SavePath("link")).Inode, OpenFlags.Read)).Error);
    }

    [Fact]
    public void StreamReadsWholeFilesAndSeeks()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var expected = File.ReadAllBytes(Path.Combine(tree.Source, "big.bin"));
        using var stream = fs.OpenRead(fs.Resolve(tree.SavePath("big.bin")).Inode);
        Assert.Equal(expected.Length, stream.Length);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.Equal(expected, copy.ToArray());
        stream.Seek(-10, SeekOrigin.End);
        var tail = new byte[20];
        Assert.Equal(10, stream.Read(tail));
        Assert.Equal(expected[^10..], tail[..10]);
    }

    private byte[] SourceBytes(SourceEntry file)
    {
        // .NET cannot name a non-UTF-8 file; make_tree.py wrote "n" into the only one.
        var path = Path.Combine(tree.Source, System.Text.Encoding.UTF8.GetString(file.Path));
        return file.Display.Contains("\\x", StringComparison.Ordinal) ? "n"u8.ToArray() : File.ReadAllBytes(path);
    }
}
