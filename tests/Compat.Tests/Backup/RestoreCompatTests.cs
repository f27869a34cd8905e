using System.Text;
using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// <c>bupfs restore</c> as a command, against real bup 0.33: a bup save restores to a tree equal to
/// its source; output, trees and exit statuses match <c>bup restore</c>; <c>--tar</c> through a pipe
/// into GNU tar gives the same tree.
/// </summary>
public sealed class RestoreCompatTests(RestoreSourceFixture saved) : IClassFixture<RestoreSourceFixture>
{
    [Fact]
    public void ABupSaveRestoresToTheSourceTree()
    {
        SkipIfNeeded();
        var dest = saved.NewFolder("self");

        var stdout = RestoreCli.Check(RestoreCli.Bupfs(saved.Repository, "restore", "-q", "--sparse", "-C", dest, saved.Saved + "/."), "bupfs restore");

        Assert.Empty(stdout);
        Assert.Empty(TreeComparer.Compare(saved.Source, dest, new TreeCompareOptions { Sparse = true, Root = true }));
    }

    [Theory]
    [InlineData("-v")]
    [InlineData("-vv")]
    public void ListingAndTreeMatchBupRestore(string verbose)
    {
        SkipIfNeeded();
        var (theirs, ours) = (saved.NewFolder("bup"), saved.NewFolder("bupfs"));

        var expected = RestoreCli.Check(RestoreCli.Bup(saved.Repository, "restore", verbose, "-C", theirs, saved.Saved), "bup restore");
        var actual = RestoreCli.Check(RestoreCli.Bupfs(saved.Repository, "restore", verbose, "-C", ours, saved.Saved), "bupfs restore");

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
        Assert.Empty(TreeComparer.Compare(theirs, ours));
    }

    [Theory]
    [InlineData("/", "/latest")]         // the save, under the name "latest"
    [InlineData("/", "/latest/")]        // the save's top directories
    [InlineData("", "/boundary")]        // one directory of the tree
    [InlineData("", "/links/to-folder")] // a symlink, not what it points to
    [InlineData("", "/links/to-folder/")] // what it points to, followed inside the save
    public void PathFormsRestoreWhatBupRestores(string prefix, string suffix)
    {
        SkipIfNeeded();
        var path = prefix.Length > 0 ? "/s" + suffix : saved.Saved + suffix;
        var (theirs, ours) = (saved.NewFolder("bup"), saved.NewFolder("bupfs"));

        RestoreCli.Check(RestoreCli.Bup(saved.Repository, "restore", "-C", theirs, path), "bup restore");
        RestoreCli.Check(RestoreCli.Bupfs(saved.Repository, "restore", "-C", ours, path), "bupfs restore");

        Assert.Empty(TreeComparer.Compare(theirs, ours));
    }

    [Fact]
    public void TarThroughAPipeGivesTheSourceTree()
    {
        SkipIfNeeded();
        var dest = saved.NewFolder("tar");
        Directory.CreateDirectory(dest);
        var script = $"{RestoreCli.BupfsCommand} restore --tar '{saved.Saved}/.' | tar --xattrs --xattrs-include='*' --acls --numeric-owner -xf - -C '{dest}'";

        var result = RestoreCli.Sh(saved.Repository, script);

        Assert.True(result.Exit == 0, result.Stderr);
        var options = new TreeCompareOptions { Root = true, Ignore = static path => path is "socket" or "./socket" };
        Assert.Empty(TreeComparer.Compare(saved.Source, dest, options));
    }

    [Fact]
    public void TarStopsWithAnErrorWhenItsReaderGoesAway()
    {
        SkipIfNeeded();
        var script = $"{RestoreCli.BupfsCommand} restore --tar '{saved.Saved}/' | head -c 1000 > /dev/null";

        var result = RestoreCli.Sh(saved.Repository, script);

        Assert.Equal(1, result.Exit);
        Assert.Contains("writing the tar stream failed", result.Stderr);
    }

    [Fact]
    public void TarListsLongNamesLinksAndNanosecondTimes()
    {
        SkipIfNeeded();
        var script = $"{RestoreCli.BupfsCommand} restore --tar '{saved.Saved}/' | tar --full-time -tvf -";

        var listing = Encoding.UTF8.GetString(RestoreCli.Check(RestoreCli.Sh(saved.Repository, script), "tar -t"));

        Assert.Contains("names/" + SampleTree.LongName, listing);
        Assert.Contains("hard/b link to hard/a", listing);
        Assert.Contains("links/relative -> ../text.txt", listing);
    }

    [Fact]
    public void APathArgumentThatIsNotUtf8IsUsedAsBytes()
    {
        SkipIfNeeded();
        var dest = saved.NewFolder("bytes");
        var script = $"{RestoreCli.BupfsCommand} restore -C '{dest}' \"{saved.Saved}/names/$(printf 'latin1-\\351t\\351.txt')\"";

        RestoreCli.Check(RestoreCli.Sh(saved.Repository, script), "bupfs restore");

        var restored = UnixNames.Join(dest, UnixNames.FromBytes(SampleTree.NonUtf8Name));
        var original = UnixNames.Join(saved.Source + "/names", UnixNames.FromBytes(SampleTree.NonUtf8Name));
        Assert.True(FileContent.Equal(original, restored, out _));
    }

    [Theory]
    [InlineData("/s")]
    [InlineData("/s/latest/no-such-entry")]
    [InlineData("{saved}/text.txt/")]
    public void FailuresExitLikeBup(string path)
    {
        SkipIfNeeded();
        path = path.Replace("{saved}", saved.Saved, StringComparison.Ordinal);

        var bup = RestoreCli.Bup(saved.Repository, "restore", "-C", saved.NewFolder("bup"), path);
        var bupfs = RestoreCli.Bupfs(saved.Repository, "restore", "-C", saved.NewFolder("bupfs"), path);

        Assert.Equal(1, bup.Exit);
        Assert.Equal(bup.Exit, bupfs.Exit);
        Assert.Contains("error", bupfs.Stderr);
    }

    [Fact]
    public void RestoringOverANonEmptyDirectoryFailsAsInBup()
    {
        SkipIfNeeded();
        var dest = saved.NewFolder("twice");
        RestoreCli.Check(RestoreCli.Bupfs(saved.Repository, "restore", "-C", dest, saved.Saved + "/boundary"), "first restore");

        var again = RestoreCli.Bupfs(saved.Repository, "restore", "-C", dest, saved.Saved + "/boundary");
        var bup = RestoreCli.Bup(saved.Repository, "restore", "-C", dest, saved.Saved + "/boundary");

        Assert.NotEqual(0, bup.Exit);
        Assert.Equal(1, again.Exit);
        Assert.Contains("refusing to overwrite non-empty dir", again.Stderr);
        Assert.Contains("refusing to overwrite non-empty dir", bup.Stderr);
    }

    private void SkipIfNeeded()
    {
        if (saved.Skip is { } reason)
        {
            Assert.Skip(reason);
        }
    }
}
