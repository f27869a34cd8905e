using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>Path resolution for ls and cat-file, with bup's rules (vfs.py resolve).</summary>
[Collection(SavedTreeCollection.Name)]
public sealed class ResolveTests(SavedTree tree)
{
    [Fact]
    public void FinalSymlinksAreNotFollowedButMiddleOnesAre()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        Assert.Equal(NodeKind.Symlink, fs.Resolve("/main/latest").Kind);
        var save = fs.Resolve("/main/latest/");
        Assert.Equal(NodeKind.Directory, save.Kind);
        Assert.Equal(fs.Resolve("/main/2023-11-14-221500").Inode, save.Inode);
        Assert.Equal(fs.Resolve(tree.SavePath("d1/file", "/main/2023-11-14-221500")).Inode, fs.Resolve(tree.SavePath("d1/file")).Inode);
        Assert.Equal(NodeKind.Symlink, fs.Resolve(tree.SavePath("dirlink")).Kind);
        Assert.Equal(fs.Resolve(tree.SavePath("d1/file")).Inode, fs.Resolve(tree.SavePath("dirlink/file")).Inode);
        Assert.Equal(fs.Resolve(tree.SavePath("d1")).Inode, fs.Resolve(tree.SavePath("dirlink/.")).Inode);
    }

    [Fact]
    public void DotsAndRepeatedSlashesAreHandled()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        Assert.Equal(fs.RootNode, fs.Resolve("/").Inode);
        Assert.Equal(fs.RootNode, fs.Resolve("").Inode);
        Assert.Equal(fs.RootNode, fs.Resolve("/..").Inode);
        Assert.Equal(fs.Resolve("/dup").Inode, fs.Resolve("main/../dup").Inode);
        Assert.Equal(fs.Resolve(tree.SavePath("d1")).Inode, fs.Resolve(tree.SavePath("d1/sub/..//./")).Inode);
    }

    [Fact]
    public void MissingAndNonDirectoryComponentsFail()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Resolve("/nope")).Error);
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Resolve("/main/2000-01-01-000000")).Error);
        Assert.Equal(FsError.NotDirectory, Assert.Throws<FsException>(() => fs.Resolve(tree.SavePath("small.txt/x"))).Error);
        Assert.Equal(FsError.NotDirectory, Assert.Throws<FsException>(() => fs.Resolve(tree.SavePath("small.txt/"))).Error);
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Resolve(tree.SavePath("dangling/x"))).Error);
        // An absolute target is resolved from the view's root, where /etc does not exist.
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Resolve(tree.SavePath("abslink/"))).Error);
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Lookup(fs.RootNode, "nope"u8)).Error);
        Assert.Equal(FsError.NotDirectory, Assert.Throws<FsException>(() => fs.Lookup(fs.Resolve(tree.SavePath("small.txt")).Inode, "x"u8)).Error);
    }

    [Fact]
    public void NonUtf8AndLongNamesResolve()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var nonUtf8 = fs.Resolve(tree.SavePath([.. "nonutf8-"u8, 0xff, 0xfe]));
        Assert.Equal(1, nonUtf8.Size);
        var longName = new string('L', 251) + ".txt";
        Assert.Equal(10, fs.Resolve(tree.SavePath(longName)).Size);
        Assert.Equal(8, fs.Resolve(tree.SavePath("ünïcødé-名前.txt")).Size);
        foreach (var mangled in new[] { "foo.bup", "bar.bupl", "x.bupm" })
        {
            Assert.Equal(1, fs.Resolve(tree.SavePath(mangled)).Size);
        }

        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Resolve(tree.SavePath("big.bin.bup"))).Error);
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Resolve(tree.SavePath(".bupm"))).Error);
    }

    [Fact]
    public void SymlinkLoopsAreReported()
    {
        using var repo = TestRepository.Create();
        var source = repo.Path("loop");
        SourceTree.RunPython("import os, sys; os.makedirs(sys.argv[1]); os.symlink('b', sys.argv[1] + '/a'); os.symlink('a', sys.argv[1] + '/b')", source);
        repo.Save("loop", 1_700_000_000, source);
        var (repository, fs) = repo.Open();
        using var _ = repository;
        using var __ = fs;
        var error = Assert.Throws<FsException>(() => fs.Resolve("/loop/latest" + source + "/a/"));
        Assert.Equal(FsError.Loop, error.Error);
        Assert.Contains("symbolic links", error.Message, StringComparison.Ordinal);
    }
}
