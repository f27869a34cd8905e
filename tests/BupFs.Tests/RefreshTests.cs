using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>The root and branch folders follow the refs: new saves and branches appear without remounting.</summary>
public sealed class RefreshTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();
    private readonly string _source;

    public RefreshTests()
    {
        _source = _repo.Path("src");
        SourceTree.RunPython("import os, sys; os.makedirs(sys.argv[1]); open(sys.argv[1] + '/a', 'w').write('one\\n')", _source);
        _repo.Save("b1", 1_700_000_000, _source);
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void NewSavesAndBranchesAppearAfterTheRefreshInterval()
    {
        using var repository = BupStore.Repository.Repository.Open(_repo.RepoPath);
        using var fresh = new RepoFileSystem(repository, new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, RefreshInterval = TimeSpan.FromMilliseconds(100) });
        using var stale = new RepoFileSystem(repository, new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, RefreshInterval = TimeSpan.FromHours(1) });
        var branch = fresh.Resolve("/b1");
        var firstSave = fresh.Resolve("/b1/2023-11-14-221320");
        Assert.Equal(["2023-11-14-221320", "latest"], fresh.Names(branch.Inode));
        Assert.Equal([".tag", "b1"], stale.Names(stale.RootNode));
        Assert.Equal(["2023-11-14-221320", "latest"], stale.Names(stale.Resolve("/b1").Inode));

        SourceTree.RunPython("import sys; open(sys.argv[1] + '/a', 'w').write('two\\n')", _source);
        _repo.Save("b1", 1_700_000_100, _source);
        _repo.Save("b2", 1_700_000_200, _source);
        Thread.Sleep(150);

        Assert.Equal([".tag", "b1", "b2"], fresh.Names(fresh.RootNode));
        Assert.Equal(["2023-11-14-221320", "2023-11-14-221500", "latest"], fresh.Names(branch.Inode));
        Assert.Equal("2023-11-14-221500", fresh.ReadLink(fresh.Resolve("/b1/latest").Inode).Text());
        Assert.Equal(new FsTime(1_700_000_100, 0), fresh.GetAttributes(branch.Inode).ModifyTime);
        Assert.Equal("two\n", System.Text.Encoding.ASCII.GetString(fresh.ReadAll(fresh.Resolve($"/b1/latest{_source}/a").Inode)));
        Assert.Equal(firstSave.Inode, fresh.Resolve("/b1/2023-11-14-221320").Inode);
        Assert.Equal(branch.Inode, fresh.Resolve("/b1").Inode);

        Assert.Equal([".tag", "b1"], stale.Names(stale.RootNode));
        Assert.Equal(["2023-11-14-221320", "latest"], stale.Names(stale.Resolve("/b1").Inode));
    }

    [Fact]
    public void ANameThatComesToMeanAnotherSaveIsANewNode()
    {
        using var repository = BupStore.Repository.Repository.Open(_repo.RepoPath);
        using var fs = new RepoFileSystem(repository, new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, RefreshInterval = TimeSpan.Zero });
        var before = fs.Resolve("/b1/2023-11-14-221320");
        _repo.Save("b1", 1_700_000_000, _source); // same second: bup renames both to -0 and -1
        Assert.Equal(["2023-11-14-221320-0", "2023-11-14-221320-1", "latest"], fs.Names(fs.Resolve("/b1").Inode));
        var older = fs.Resolve("/b1/2023-11-14-221320-0");
        var newer = fs.Resolve("/b1/2023-11-14-221320-1");
        Assert.Equal(fs.GetCommitId(before.Inode), fs.GetCommitId(older.Inode));
        Assert.NotEqual(fs.GetCommitId(before.Inode), fs.GetCommitId(newer.Inode));
        Assert.Equal(3, new[] { before.Inode, older.Inode, newer.Inode }.Distinct().Count());
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Resolve("/b1/2023-11-14-221320")).Error);
    }

    [Fact]
    public void ADeletedBranchIsGone()
    {
        _repo.Save("b2", 1_700_000_200, _source);
        using var repository = BupStore.Repository.Repository.Open(_repo.RepoPath);
        using var fs = new RepoFileSystem(repository, new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, RefreshInterval = TimeSpan.Zero });
        var b2 = fs.Lookup(fs.RootNode, "b2"u8);
        _repo.Git("update-ref", "-d", "refs/heads/b2");
        Assert.Equal([".tag", "b1"], fs.Names(fs.RootNode));
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.ReadDirectory(b2.Inode)).Error);
    }

    [Fact]
    public void ReadsKeepWorkingAfterARepackRemovedThePacks()
    {
        SourceTree.RunPython("import sys; open(sys.argv[1] + '/b', 'w').write('bee\\n')", _source);
        _repo.Save("b1", 1_700_000_100, _source);
        using var repository = BupStore.Repository.Repository.Open(_repo.RepoPath);
        using var fs = new RepoFileSystem(repository, new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc });
        Assert.Equal("one\n", System.Text.Encoding.ASCII.GetString(fs.ReadAll(fs.Resolve($"/b1/2023-11-14-221320{_source}/a").Inode)));
        var before = Directory.GetFiles(repository.PackDir, "*.pack");
        _repo.Git("repack", "-a", "-d", "-q");
        Assert.DoesNotContain(Directory.GetFiles(repository.PackDir, "*.pack"), before.Contains);
        Assert.Equal("bee\n", System.Text.Encoding.ASCII.GetString(fs.ReadAll(fs.Resolve($"/b1/latest{_source}/b").Inode)));
    }
}
