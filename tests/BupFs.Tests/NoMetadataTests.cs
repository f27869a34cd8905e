using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>Trees without .bupm (bup split, plain git) show bup's defaults (docs/formats/vfs-layout.md, "Modes, sizes and times").</summary>
public sealed class NoMetadataTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public NoMetadataTests()
    {
        SourceTree.RunPython(
            """
            import os, random, sys
            d = sys.argv[1]
            os.makedirs(d + '/tree/sub')
            open(d + '/big', 'wb').write(random.Random(9).randbytes(1_000_000))
            open(d + '/tree/sub/file', 'wb').write(b'plain git\n')
            os.symlink('sub/file', d + '/tree/link')
            """,
            _repo.Root);
        Tool.Run("bup", ["split", "-n", "split", "-d", "1700000000", _repo.Path("big")], _repo.Environment);
        var blob = _repo.Git("hash-object", "-w", _repo.Path("tree/sub/file"));
        var link = Tool.Run("git", ["--git-dir", _repo.RepoPath, "hash-object", "-w", "--stdin"], _repo.Environment, stdin: "sub/file").Trim();
        var sub = Tool.Run("git", ["--git-dir", _repo.RepoPath, "mktree"], _repo.Environment, stdin: $"100755 blob {blob}\tfile\n").Trim();
        var root = Tool.Run("git", ["--git-dir", _repo.RepoPath, "mktree"], _repo.Environment, stdin: $"120000 blob {link}\tlink\n040000 tree {sub}\tsub\n").Trim();
        _repo.Git("update-ref", "refs/tags/plain", root);
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void SplitFilesAreRegularFilesWithComputedSizes()
    {
        var (repository, fs) = _repo.Open();
        using var _ = repository;
        using var __ = fs;
        var save = fs.Resolve("/split/latest/");
        Assert.Equal(0x41EDu, save.Mode);
        Assert.Equal(new FsTime(1_700_000_000, 0), save.ModifyTime);
        var entries = fs.ReadDirectory(save.Inode);
        var data = Assert.Single(entries);
        Assert.Equal("data", data.Name.Text());
        Assert.Equal(NodeKind.File, data.Attributes.Kind);
        Assert.Equal(0x81A4u, data.Attributes.Mode);
        Assert.Equal(1_000_000, data.Attributes.Size);
        Assert.Equal(FsTime.Epoch, data.Attributes.ModifyTime);
        Assert.Equal(0u, data.Attributes.Uid);
        Assert.Equal(File.ReadAllBytes(_repo.Path("big")), fs.ReadAll(data.Attributes.Inode));
    }

    [Fact]
    public void PlainGitTreesUseDefaultModes()
    {
        var (repository, fs) = _repo.Open();
        using var _ = repository;
        using var __ = fs;
        Assert.Equal(["link", "sub"], fs.Names(fs.Resolve("/.tag/plain").Inode));
        var link = fs.Resolve("/.tag/plain/link");
        Assert.Equal(0xA1EDu, link.Mode);
        Assert.Equal(8, link.Size);
        Assert.Equal("sub/file", fs.ReadLink(link.Inode).Text());
        Assert.Equal(FsError.NotDirectory, Assert.Throws<FsException>(() => fs.Resolve("/.tag/plain/link/")).Error);
        var file = fs.Resolve("/.tag/plain/link".Bytes(), followFinalSymlink: true);
        Assert.Equal(fs.Resolve("/.tag/plain/sub/file").Inode, file.Inode);
        Assert.Equal(NodeKind.File, file.Kind);
        Assert.Equal(0x81A4u, file.Mode);
        Assert.Equal(10, file.Size);
        Assert.Equal(0x41EDu, fs.Resolve("/.tag/plain/sub").Mode);
        Assert.Empty(fs.ListExtendedAttributes(file.Inode));
    }
}
