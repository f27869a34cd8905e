using BupBackup.Restore;
using BupStore.Repository;
using TestSupport;

namespace BupBackup.Tests.Restore;

/// <summary>
/// A rich tree saved by real bup 0.33, restored by <see cref="Restorer"/>: equal to the source in
/// content and metadata, and to what <c>bup restore</c> makes of it (tree and -vv listing).
/// </summary>
public sealed class BupRoundTripTests(BupSavedSampleTree saved) : IClassFixture<BupSavedSampleTree>
{
    [Fact]
    public void RestoringContentsAndSelfGivesTheSourceTree()
    {
        SkipIfNeeded();
        var dest = saved.NewFolder("self");
        var (summary, errors) = Restore(dest, saved.SavedSource + "/.");

        Assert.Empty(errors);
        Assert.Equal(0, summary.Errors);
        Assert.Empty(TreeComparer.Compare(saved.Source, dest, new TreeCompareOptions { Sparse = true, Root = true }));
    }

    [Fact]
    public void TreeAndVerboseListingMatchBupRestore()
    {
        SkipIfNeeded();
        var bupOut = saved.NewFolder("bup");
        var listing = saved.Bup("restore", "-vv", "-C", bupOut, saved.SavedSource);
        var ours = saved.NewFolder("ours");
        var ourListing = new MemoryStream();

        var (summary, errors) = Restore(ours, saved.SavedSource, ourListing);

        Assert.Empty(errors);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(listing), System.Text.Encoding.UTF8.GetString(ourListing.ToArray()));
        Assert.Equal(listing, ourListing.ToArray());
        Assert.Equal(listing.Count(b => b == (byte)'\n'), summary.Restored);
        Assert.Empty(TreeComparer.Compare(bupOut, ours));
    }

    [Fact]
    public void LatestIsRestoredUnderTheNameLatest()
    {
        SkipIfNeeded();
        var dest = saved.NewFolder("latest");

        var (_, errors) = Restore(dest, "/s/latest");

        Assert.Empty(errors);
        Assert.Equal(["latest"], Directory.GetFileSystemEntries(dest).Select(Path.GetFileName));
        Assert.Empty(TreeComparer.Compare(saved.Source, dest + "/latest" + saved.Source, new TreeCompareOptions { Sparse = true }));
    }

    [Fact]
    public void HardlinksAcrossPathArgumentsAreLinked()
    {
        SkipIfNeeded();
        var dest = saved.NewFolder("links");

        var (_, errors) = Restore(dest, saved.SavedSource + "/hard/a", saved.SavedSource + "/hard/b");

        Assert.Empty(errors);
        Assert.Equal(Inode(Path.Combine(dest, "a")), Inode(Path.Combine(dest, "b")));
    }

    [Fact]
    public void TarStreamExtractedByGnuTarGivesTheSourceTree()
    {
        SkipIfNeeded();
        var dest = saved.NewFolder("tar");
        Directory.CreateDirectory(dest);
        var archive = dest + ".tar";
        var (errors, warnings) = (new List<string>(), new List<string>());
        using (var repository = Repository.Open(saved.Repository))
        using (var restorer = new Restorer(repository, new RestoreOptions { Error = errors.Add, Warning = warnings.Add }))
        using (var output = File.Create(archive))
        {
            restorer.WriteTar(output, [BupSavedSampleTree.Bytes(saved.SavedSource + "/.")]);
        }

        ProcessRunner.Run("tar", ["--xattrs", "--xattrs-include=*", "--acls", "--numeric-owner", "-xf", archive, "-C", dest]);

        Assert.Empty(errors);
        Assert.Equal(["socket: socket ignored (tar cannot hold sockets)"], warnings);
        var options = new TreeCompareOptions { Root = true, Ignore = static path => path is "socket" or "./socket" };
        Assert.Empty(TreeComparer.Compare(saved.Source, dest, options));
    }

    private void SkipIfNeeded()
    {
        if (saved.Skip is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    private (RestoreSummary Summary, List<string> Errors) Restore(string dest, string path, Stream? listing = null) => Restore(dest, [path], listing);

    private (RestoreSummary Summary, List<string> Errors) Restore(string dest, params string[] paths) => Restore(dest, paths, null);

    private (RestoreSummary Summary, List<string> Errors) Restore(string dest, string[] paths, Stream? listing)
    {
        var errors = new List<string>();
        using var repository = Repository.Open(saved.Repository);
        // Sparse, as the comparisons with the source check that its holes stay holes.
        var options = new RestoreOptions { Sparse = true, Error = errors.Add, Verbosity = listing is null ? 0 : 2, Listing = listing };
        using var restorer = new Restorer(repository, options);
        var summary = restorer.RestoreTo(BupSavedSampleTree.Bytes(dest), paths.Select(BupSavedSampleTree.Bytes));
        return (summary, errors);
    }

    private static ulong Inode(string path) => Mono.Unix.Native.Syscall.lstat(path, out var stat) == 0 ? stat.st_ino : 0;
}
