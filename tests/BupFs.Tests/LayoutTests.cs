using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>The folders above the saves: root, branches (nested names too), saves, latest, tags (docs/formats/vfs-layout.md).</summary>
[Collection(SavedTreeCollection.Name)]
public sealed class LayoutTests(SavedTree tree)
{
    [Fact]
    public void RootListsBranchesAsNestedFoldersAndTag()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        Assert.Equal([".tag", "dup", "main", "team"], fs.Names(fs.RootNode));
        var team = fs.Lookup(fs.RootNode, "team".Bytes());
        Assert.Equal(NodeKind.Directory, team.Kind);
        Assert.Equal(["db"], fs.Names(team.Inode));
        var db = fs.Resolve("/team/db");
        Assert.Equal(["2023-11-14-223000", "latest"], fs.Names(db.Inode));
    }

    [Fact]
    public void LookupOfANameOver255Bytes_IsNameTooLong_AnywhereInTheView()
    {
        // Found by the conformance suite (read-only-view-reads-save): such names answered ENOENT.
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var tooLong = Enumerable.Repeat((byte)'n', 256).ToArray();
        Assert.Equal(FsError.NameTooLong, Assert.Throws<FsException>(() => fs.Lookup(fs.RootNode, tooLong)).Error);
        Assert.Equal(FsError.NameTooLong, Assert.Throws<FsException>(() => fs.Lookup(fs.Resolve("/main").Inode, tooLong)).Error);
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.Lookup(fs.RootNode, tooLong[..255])).Error);
    }

    [Fact]
    public void RootAndBranchFoldersCarryTheNewestCommitTimeAndFollowTheRefs()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var root = fs.GetAttributes(fs.RootNode);
        Assert.Equal(new FsTime(SavedTree.TeamSave, 0), root.ModifyTime);
        Assert.Equal(0x41EDu, root.Mode);
        Assert.False(root.Immutable);
        var main = fs.Resolve("/main");
        Assert.Equal(new FsTime(SavedTree.SecondSave, 0), main.ModifyTime);
        Assert.Equal(new FsTime(SavedTree.SecondSave, 0), main.AccessTime);
        Assert.False(main.Immutable);
        Assert.Equal(0x41EDu, main.Mode);
        Assert.False(fs.Resolve("/main/latest").Immutable);
        Assert.False(fs.Resolve("/.tag").Immutable);
    }

    [Fact]
    public void BranchListsSavesNamedAsBupLsDoesInUtc() => CompareWithBupLs("UTC", TimeZoneInfo.Utc);

    [Fact]
    public void BranchListsSavesNamedAsBupLsDoesInChicago() =>
        CompareWithBupLs("America/Chicago", TimeZoneInfo.FindSystemTimeZoneById("America/Chicago"));

    [Fact]
    public void DuplicateSaveNamesGetBupsSuffixes()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var dup = fs.Resolve("/dup");
        Assert.Equal(["2023-11-14-221320-0", "2023-11-14-221320-1", "2023-11-14-221320-2", "2023-11-14-222140", "latest"], fs.Names(dup.Inode));
        var history = tree.Repository.Git("rev-list", "--first-parent", "dup").Split('\n');
        Assert.Equal(history[1], fs.GetCommitId(fs.Resolve("/dup/2023-11-14-221320-2").Inode).ToString());
        Assert.Equal(history[3], fs.GetCommitId(fs.Resolve("/dup/2023-11-14-221320-0").Inode).ToString());
    }

    [Fact]
    public void LatestIsASymlinkToTheNewestSaveAsBupShowsIt()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var latest = fs.Resolve("/dup/latest");
        Assert.Equal(NodeKind.Symlink, latest.Kind);
        Assert.Equal(0xA1EDu, latest.Mode);
        Assert.Equal(17, latest.Size);
        Assert.Equal(FsTime.Epoch, latest.ModifyTime);
        Assert.Equal("2023-11-14-222140", fs.ReadLink(latest.Inode).Text());
        var bupLine = BupLatestLine(tree.Repository.Bup("UTC", "ls", "-l", "/dup"));
        Assert.StartsWith("lrwxr-xr-x", bupLine);
        Assert.Equal("2023-11-14-222140", bupLine.Split(" -> ")[1].Trim());
    }

    [Fact]
    public void SaveFolderHasTheRootDirectorysOwnerAndModeAndTheCommitTime()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var saves = fs.ReadDirectory(fs.Resolve("/main").Inode);
        Assert.Equal(["2023-11-14-221320", "2023-11-14-221500", "latest"], saves.Select(s => s.Name.Text()));
        var first = saves[0].Attributes;
        var root = SourceTree.DumpOne("/");
        Assert.Equal(root.Mode, first.Mode);
        Assert.Equal(root.Uid, first.Uid);
        Assert.Equal(root.Gid, first.Gid);
        Assert.Equal(new FsTime(SavedTree.FirstSave, 0), first.ModifyTime);
        Assert.Equal(new FsTime(SavedTree.FirstSave, 0), first.ChangeTime);
        Assert.Equal(new FsTime(SavedTree.SecondSave, 0), saves[1].Attributes.AccessTime);
        Assert.True(first.Immutable);
        Assert.Equal(tree.Repository.Git("rev-parse", "main~1"), fs.GetCommitId(first.Inode).ToString());
        Assert.Equal(tree.Repository.Git("rev-parse", "main~1^{tree}"), fs.GetObjectId(first.Inode).ToString());
    }

    [Fact]
    public void OlderSaveShowsTheTreeAsItWasThen()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var older = fs.Resolve(tree.SavePath("", "/main/2023-11-14-221320"));
        var newer = fs.Resolve(tree.SavePath("", "/main/2023-11-14-221500"));
        Assert.DoesNotContain("added.txt", fs.Names(older.Inode));
        Assert.Contains("added.txt", fs.Names(newer.Inode));
        Assert.NotEqual(older.Inode, newer.Inode);
    }

    [Fact]
    public void TagsShowCommitsTreesBlobsAndAnnotatedTags()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        Assert.Equal(["annotated", "blobtag", "mytag", "rel", "treetag"], fs.Names(fs.Resolve("/.tag").Inode));
        var mytag = fs.Resolve("/.tag/mytag");
        Assert.Equal(new FsTime(SavedTree.SecondSave, 0), mytag.ModifyTime);
        Assert.True(mytag.Immutable);
        Assert.Equal(fs.Names(fs.Resolve(tree.SavePath("")).Inode), fs.Names(fs.Resolve(tree.SavePath("", "/.tag/mytag")).Inode));
        Assert.Equal(fs.Names(mytag.Inode), fs.Names(fs.Resolve("/.tag/annotated").Inode));
        Assert.Equal(fs.Names(mytag.Inode), fs.Names(fs.Resolve("/.tag/treetag").Inode));
        Assert.Contains("added.txt", fs.Names(fs.Resolve(tree.SavePath("", "/.tag/treetag")).Inode));
        Assert.DoesNotContain("added.txt", fs.Names(fs.Resolve(tree.SavePath("", "/.tag/rel/v1")).Inode));
        var blob = fs.Resolve("/.tag/blobtag");
        Assert.Equal(NodeKind.File, blob.Kind);
        Assert.Equal(0x81A4u, blob.Mode);
        Assert.Equal(6, blob.Size);
        Assert.Equal("hello\n", System.Text.Encoding.ASCII.GetString(fs.ReadAll(blob.Inode)));
    }

    private void CompareWithBupLs(string tz, TimeZoneInfo zone)
    {
        var (repository, fs) = tree.Open(new RepoFileSystemOptions { TimeZone = zone });
        using var _ = repository;
        using var __ = fs;
        foreach (var branch in new[] { "main", "dup" })
        {
            var expected = tree.Repository.Bup(tz, "ls", "/" + branch).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
            Assert.Equal(expected, fs.Names(fs.Resolve("/" + branch).Inode));
            var latestTarget = BupLatestLine(tree.Repository.Bup(tz, "ls", "-l", "/" + branch)).Split(" -> ")[1].Trim();
            Assert.Equal(latestTarget, fs.ReadLink(fs.Resolve($"/{branch}/latest").Inode).Text());
        }
    }

    private static string BupLatestLine(string listing) => listing.Split('\n').Single(line => line.Contains(" latest -> ", StringComparison.Ordinal));
}
