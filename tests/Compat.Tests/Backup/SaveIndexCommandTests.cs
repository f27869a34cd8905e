namespace Compat.Tests.Backup;

/// <summary>The bupfs index command line: excludes, listings with status, graft and regraft, --clear.</summary>
public sealed class SaveIndexCommandTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public SaveIndexCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_ws.Source, "keep"));
        Directory.CreateDirectory(Path.Combine(_ws.Source, "skip"));
        Directory.CreateDirectory(Path.Combine(_ws.Source, "also-skip"));
        File.WriteAllText(Path.Combine(_ws.Source, "keep", "a.txt"), "a");
        File.WriteAllText(Path.Combine(_ws.Source, "skip", "b.txt"), "b");
        File.WriteAllText(Path.Combine(_ws.Source, "also-skip", "c.txt"), "c");
        File.WriteAllText(Path.Combine(_ws.Source, "keep", "d.log"), "d");
        Thread.Sleep(1100);
    }

    public void Dispose() => _ws.Dispose();

    private string[] Listed(params string[] args) =>
        SaveCompatWorkspace.Ok(_ws.Bupfs(["index", .. args])).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Excludes_from_options_files_and_patterns()
    {
        var list = Path.Combine(_ws.Root, "excludes");
        File.WriteAllText(list, Path.Combine(_ws.Source, "also-skip") + "\n");
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "--exclude", Path.Combine(_ws.Source, "skip"), "--exclude-from", list, "--exclude-rx", @"\.log$", _ws.Source));
        var paths = Listed("-p", _ws.Source);
        Assert.Contains($"{_ws.Source}/keep/a.txt", paths);
        Assert.DoesNotContain(paths, p => p.Contains("skip", StringComparison.Ordinal) || p.EndsWith(".log", StringComparison.Ordinal));
    }

    [Fact]
    public void Status_listing_shows_added_then_saved_then_modified()
    {
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        Assert.Contains($"A {_ws.Source}/keep/a.txt", Listed("-s", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        Assert.Contains($"  {_ws.Source}/keep/a.txt", Listed("-s", _ws.Source));
        Assert.DoesNotContain(Listed("-m", _ws.Source), p => p.Contains("/keep/", StringComparison.Ordinal));
        File.AppendAllText(Path.Combine(_ws.Source, "keep", "a.txt"), "more");
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        Assert.Contains($"M {_ws.Source}/keep/a.txt", Listed("-s", _ws.Source));
        Assert.Contains($"{_ws.Source}/keep/a.txt", Listed("-m", _ws.Source));
        var hashed = Listed("-s", "-H", "-l", _ws.Source).Single(l => l.EndsWith("/keep/a.txt", StringComparison.Ordinal));
        Assert.Matches("^M [0-9a-f]{40} 0100644 0100644 /", hashed);
    }

    [Fact]
    public void Graft_then_regraft_after_a_move_saves_nothing_new()
    {
        var old = Path.Combine(_ws.Source, "keep");
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "--graft", $"{old}=/data", old));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "d", "/data"));
        var moved = Path.Combine(_ws.Root, "moved");
        Directory.Move(old, moved);
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "--regraft", "--graft", $"{moved}=/data"));
        var save = _ws.Bupfs("save", "-v", "-n", "d", "/data");
        Assert.Equal(0, save.Exit);
        Assert.Contains("read 0 bytes from 0 files", save.Stderr, StringComparison.Ordinal);
        Assert.Equal(_ws.Git("rev-parse", "d~1:data"), _ws.Git("rev-parse", "d:data"));
        Assert.Equal("a", _ws.Git("cat-file", "blob", "d:data/a.txt"));
    }

    [Fact]
    public void Clear_removes_the_index_and_a_missing_repository_is_an_error()
    {
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        Assert.True(File.Exists(Path.Combine(_ws.Repo, "bupfs-index")));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "--clear"));
        Assert.False(File.Exists(Path.Combine(_ws.Repo, "bupfs-index")));
        var missing = _ws.Bupfs("-d", Path.Combine(_ws.Root, "nowhere"), "index", _ws.Source);
        Assert.NotEqual(0, missing.Exit);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
    }
}
