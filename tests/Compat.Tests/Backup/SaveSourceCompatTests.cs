namespace Compat.Tests.Backup;

/// <summary>
/// What bup save does with sources the index cannot vouch for, run with real bup and with bupfs:
/// no index, a source the index does not hold, a source deleted since indexing.
/// </summary>
public sealed class SaveSourceCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public SaveSourceCompatTests()
    {
        Directory.CreateDirectory(Path.Combine(_ws.Source, "a", "b"));
        Directory.CreateDirectory(Path.Combine(_ws.Source, "c"));
        File.WriteAllText(Path.Combine(_ws.Source, "a", "b", "f"), "f");
        File.WriteAllText(Path.Combine(_ws.Source, "c", "g"), "g");
        Thread.Sleep(1100);
    }

    public void Dispose() => _ws.Dispose();

    private bool BranchExists(string name) =>
        _ws.Run("git", ["--git-dir", _ws.Repo, "rev-parse", "--verify", "-q", $"refs/heads/{name}"]).Exit == 0;

    private string[] SavedNames(string branch) =>
        _ws.Git("ls-tree", "-r", "--name-only", branch).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Without_an_index_save_is_an_error_and_saves_nothing()
    {
        var bup = _ws.Bup("save", "-n", "bup", "src");
        var ours = _ws.Bupfs("save", "-n", "ours", "src");
        Assert.Contains("have you run bup index?", bup.Stderr, StringComparison.Ordinal);
        Assert.Equal(bup.Exit, ours.Exit);
        Assert.Equal(1, ours.Exit);
        Assert.Contains($"cannot access '{Path.Combine(_ws.Repo, "bupfs-index")}'; have you run bupfs index?", ours.Stderr, StringComparison.Ordinal);
        Assert.False(BranchExists("ours"));
        Assert.False(File.Exists(Path.Combine(_ws.Repo, "bupfs-index")), "save must not index behind the user's back");
    }

    [Fact]
    public void A_source_the_index_does_not_hold_is_an_error()
    {
        SaveCompatWorkspace.Ok(_ws.Bup("index", "src/a"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "src/a"));
        var bup = _ws.Bup("save", "-n", "bup", "src/c");
        var ours = _ws.Bupfs("save", "-n", "ours", "src/c");
        Assert.Contains("cannot find", bup.Stderr, StringComparison.Ordinal);
        Assert.Equal(bup.Exit, ours.Exit);
        Assert.Contains($"cannot find '{Path.Combine(_ws.Source, "c")}'", ours.Stderr, StringComparison.Ordinal);
        Assert.Contains("have you run bupfs index?", ours.Stderr, StringComparison.Ordinal);
        Assert.False(BranchExists("bup"));
        Assert.False(BranchExists("ours"));
    }

    [Fact]
    public void A_directory_deleted_since_indexing_is_an_error_naming_it_and_is_not_saved()
    {
        SaveCompatWorkspace.Ok(_ws.Bup("index", "src"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "src"));
        Directory.Delete(Path.Combine(_ws.Source, "a"), recursive: true);
        var bup = _ws.Bup("save", "-n", "bup", "src/a", "src/c");
        var ours = _ws.Bupfs("save", "-n", "ours", "src/a", "src/c");
        Assert.Equal(1, bup.Exit);
        Assert.Equal(bup.Exit, ours.Exit);
        Assert.Contains($"reduce_paths: [Errno 2] No such file or directory: b'{Path.Combine(_ws.Source, "a")}'", bup.Stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_ws.Source, "a"), ours.Stderr, StringComparison.Ordinal);
        Assert.Contains("WARNING: 1 errors encountered while saving.", ours.Stderr, StringComparison.Ordinal);
        Assert.Equal(SavedNames("bup"), SavedNames("ours"));
        Assert.DoesNotContain(SavedNames("ours"), n => n.Contains("/src/a", StringComparison.Ordinal));
    }

    [Fact]
    public void When_every_source_is_gone_nothing_is_committed()
    {
        SaveCompatWorkspace.Ok(_ws.Bup("index", "src"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "src"));
        Directory.Delete(Path.Combine(_ws.Source, "a"), recursive: true);
        var bup = _ws.Bup("save", "-n", "bup", "src/a");
        var ours = _ws.Bupfs("save", "-n", "ours", "src/a");
        Assert.Equal(bup.Exit, ours.Exit);
        Assert.False(BranchExists("bup"));
        Assert.False(BranchExists("ours"));
        Assert.Contains(Path.Combine(_ws.Source, "a"), ours.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Indexfile_option_saves_from_another_index()
    {
        var other = Path.Combine(_ws.Root, "other-index");
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "-f", other, "src"));
        Assert.Equal(1, _ws.Bupfs("save", "-n", "ours", "src").Exit);
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-f", other, "-9", "-n", "ours", "src"));
        SaveCompatWorkspace.Ok(_ws.Bup("index", "src"));
        SaveCompatWorkspace.Ok(_ws.Bup("save", "-0", "-n", "bup", "src"));
        Assert.Equal(SavedNames("bup"), SavedNames("ours"));
        Assert.Equal("f", _ws.Git("cat-file", "blob", $"ours:{_ws.SavedSource}/a/b/f"));
    }
}
