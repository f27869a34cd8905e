using System.Text;
using Mono.Unix.Native;
using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// bup restore's filtering and owner options, run by real bup 0.33 and by bupfs on the same save:
/// --exclude-rx and --exclude-rx-from give the same -vv listing and tree, --map-user/-group/-uid/-gid
/// the same owners, bad arguments fail both.
/// </summary>
public sealed class RestoreOptionsCompatTests(RestoreSourceFixture saved) : IClassFixture<RestoreSourceFixture>
{
    [Theory]
    [InlineData("", @"/links/$")]            // a directory, with everything below it
    [InlineData("", @"/links/.")]            // only what is below it
    [InlineData("/", @"^/small/d[0-3]/")]    // anchored at the top of the restore tree
    [InlineData("/", @"\.txt$")]             // files by suffix
    [InlineData("/.", @"size-819[0-9]$")]
    [InlineData("", @"/e1[0-2]/$")]
    [InlineData("", @"(?i)/NAMES/")]         // inline flags
    [InlineData("", @"^/src/hard/b$")]       // one member of a hardlink group
    [InlineData("/", @"x/y")]                // matches nothing
    public void ExcludeRxMatchesAsInBup(string form, string pattern)
    {
        SkipIfNeeded();

        AssertSameAsBup(["--exclude-rx", pattern], saved.Saved + form);
    }

    [Fact]
    public void SeveralPatternsAndAPatternFileCombine()
    {
        SkipIfNeeded();
        var file = saved.NewFolder("patterns");
        // An empty line is skipped; '\r' stays part of its pattern; a raw 0xFF byte matches the non-UTF-8 name.
        File.WriteAllBytes(file, [.. "^/boundary/\n\n/modes/$\r\n"u8, .. "dir-"u8, 0xFF, .. "\n/links/to-\n"u8]);

        AssertSameAsBup(["--exclude-rx-from", file, "--exclude-rx", "/random", "--exclude-rx", "^/owned/"], saved.Saved + "/");
    }

    [Fact]
    public void ExcludingTheNamedDirectoryRestoresNothing()
    {
        SkipIfNeeded();

        AssertSameAsBup(["--exclude-rx", "^/latest/$"], "/s/latest");
    }

    [Theory]
    [InlineData("--exclude-rx", "(unclosed")]
    [InlineData("--exclude-rx-from", "/nonexistent/patterns")]
    [InlineData("--map-user", "nobody")]
    [InlineData("--map-group", "=x")]
    [InlineData("--map-uid", "a=1")]
    [InlineData("--map-gid", "1=2=3")]
    public void BadArgumentsFailBeforeRestoringAnything(string option, string value)
    {
        SkipIfNeeded();
        var (theirs, ours) = (saved.NewFolder("bup"), saved.NewFolder("bupfs"));

        var bup = RestoreCli.Bup(saved.Repository, "restore", option, value, "-C", theirs, saved.Saved);
        var bupfs = RestoreCli.Bupfs(saved.Repository, "restore", option, value, "-C", ours, saved.Saved);

        Assert.NotEqual(0, bup.Exit);
        Assert.NotEqual(0, bupfs.Exit);
        Assert.False(Path.Exists(ours));
        Assert.Contains(value.StartsWith('/') ? "couldn't read" : value.Contains('(') ? "invalid --exclude-rx pattern" : "couldn't parse", bupfs.Stderr);
    }

    [Theory]
    [InlineData("--map-uid", "12345=777", "--map-gid", "54321=888")]        // ids without names
    [InlineData("--map-user", "root=", "--map-uid", "0=4242")]              // a cleared name lets the mapped uid count
    [InlineData("--map-uid", "0=3", "--map-gid", "0=3", "--map-group", "root=daemon")] // names still win over mapped ids
    [InlineData("--numeric-ids", "--map-uid", "0=1", "--map-gid", "54321=0")]
    [InlineData("--map-user", "root=no-such-user-here", "--map-uid", "0=5")]
    [InlineData("--map-uid", "12345=1", "--map-uid", "12345=2")]            // the later mapping wins
    public void OwnerMappingsGiveBupsOwners(params string[] options)
    {
        SkipIfNeeded();
        if (Syscall.geteuid() != 0)
        {
            Assert.Skip("owners are only restored by root");
        }

        var (theirs, ours) = (saved.NewFolder("bup"), saved.NewFolder("bupfs"));

        RestoreCli.Check(RestoreCli.Bup(saved.Repository, ["restore", .. options, "-C", theirs, saved.Saved + "/."]), "bup restore");
        RestoreCli.Check(RestoreCli.Bupfs(saved.Repository, ["restore", .. options, "-C", ours, saved.Saved + "/."]), "bupfs restore");

        Assert.Empty(TreeComparer.Compare(theirs, ours, new TreeCompareOptions { Root = true }));
        Assert.NotEmpty(TreeComparer.Compare(saved.Source, ours, new TreeCompareOptions { Root = true, Sparse = true }));
    }

    private void AssertSameAsBup(string[] options, string path)
    {
        var (theirs, ours) = (saved.NewFolder("bup"), saved.NewFolder("bupfs"));

        var expected = RestoreCli.Check(RestoreCli.Bup(saved.Repository, ["restore", "-vv", .. options, "-C", theirs, path]), "bup restore");
        var actual = RestoreCli.Check(RestoreCli.Bupfs(saved.Repository, ["restore", "-vv", .. options, "-C", ours, path]), "bupfs restore");

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
        Assert.Empty(TreeComparer.Compare(theirs, ours));
    }

    private void SkipIfNeeded()
    {
        if (saved.Skip is { } reason)
        {
            Assert.Skip(reason);
        }
    }
}
