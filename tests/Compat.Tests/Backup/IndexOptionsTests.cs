using System.Text.RegularExpressions;

namespace Compat.Tests.Backup;

/// <summary>
/// bup index's -f/--indexfile, --check, --fake-valid and --fake-invalid on the bupfs command line,
/// with what the next save does, and the status listings compared with real bup's.
/// </summary>
public sealed class IndexOptionsTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public IndexOptionsTests()
    {
        Directory.CreateDirectory(Path.Combine(_ws.Source, "sub"));
        File.WriteAllText(Path.Combine(_ws.Source, "a.txt"), "a");
        File.WriteAllText(Path.Combine(_ws.Source, "sub", "b.txt"), "bb");
        File.WriteAllText(Path.Combine(_ws.Source, "sub", "c.txt"), "ccc");
        Thread.Sleep(1100);
    }

    public void Dispose() => _ws.Dispose();

    private string IndexPath => Path.Combine(_ws.Repo, "bupfs-index");

    private string Sub => Path.Combine(_ws.Source, "sub");

    private static string Ok((int Exit, string Stdout, string Stderr) result) => SaveCompatWorkspace.Ok(result);

    /// <summary>"read N bytes from M files" from save -v.</summary>
    private static (long Bytes, long Files) ReadCounts(string stderr)
    {
        var match = Regex.Match(stderr, @"read (\d+) bytes from (\d+) files");
        Assert.True(match.Success, stderr);
        return (long.Parse(match.Groups[1].Value), long.Parse(match.Groups[2].Value));
    }

    private (long Bytes, long Files) Save()
    {
        var save = _ws.Bupfs("save", "-v", "-n", "t", _ws.Source);
        Assert.True(save.Exit == 0, save.Stderr);
        return ReadCounts(save.Stderr);
    }

    [Fact]
    public void Help_lists_the_options()
    {
        var help = Ok(_ws.Bupfs("index", "--help"));
        foreach (var option in new[] { "--check", "--fake-valid", "--fake-invalid", "-f, --indexfile" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Indexfile_puts_the_index_where_asked_and_lists_from_there()
    {
        var other = Path.Combine(_ws.Root, "elsewhere.idx");
        Ok(_ws.Bupfs("index", "-f", other, _ws.Source));
        Assert.True(File.Exists(other));
        Assert.False(File.Exists(IndexPath));
        Assert.Contains($"{_ws.Source}/sub/b.txt", Ok(_ws.Bupfs("index", "--indexfile", other, "-p", _ws.Source)), StringComparison.Ordinal);
        // The repository's own index holds nothing: listing there is an error, as with bup ("cannot find").
        var empty = _ws.Bupfs("index", "-p", _ws.Source);
        Assert.Equal((1, ""), (empty.Exit, empty.Stdout));
        Assert.Equal(1, _ws.Bup("index", "-p", _ws.Source).Exit);
        var clear = _ws.Bupfs("index", "--clear", "-f", other);
        Assert.NotEqual(0, clear.Exit);
        Assert.True(File.Exists(other));
    }

    [Fact]
    public void Check_passes_a_sound_index_and_stops_at_a_damaged_one()
    {
        var ok = _ws.Bupfs("index", "--check", _ws.Source);
        Assert.Equal(0, ok.Exit);
        Assert.False(File.Exists(IndexPath), "--check alone does not update, as bup");
        ok = _ws.Bupfs("index", "--check", "-u", _ws.Source);
        Assert.Equal(0, ok.Exit);
        Assert.Contains("check: passed", ok.Stderr, StringComparison.Ordinal);
        Assert.Contains("final check", ok.Stderr, StringComparison.Ordinal);

        var bytes = File.ReadAllBytes(IndexPath);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(IndexPath, bytes);
        var damaged = _ws.Bupfs("index", "--check", _ws.Source);
        Assert.NotEqual(0, damaged.Exit);
        Assert.Contains("damaged", damaged.Stderr, StringComparison.Ordinal);
        Assert.Contains(IndexPath, damaged.Stderr, StringComparison.Ordinal);
        damaged = _ws.Bupfs("index", "--check", "-u", _ws.Source);
        Assert.NotEqual(0, damaged.Exit);
        Assert.Equal(bytes, File.ReadAllBytes(IndexPath)); // not rebuilt behind the user's back

        // Without --check a damaged index is only a warning, and rebuilt.
        Assert.NotEqual(0, _ws.Bupfs("index", _ws.Source).Exit);
        Assert.Equal(0, _ws.Bupfs("index", "--check").Exit);
    }

    [Fact]
    public void Fake_invalid_makes_the_next_save_read_those_files_again()
    {
        Ok(_ws.Bupfs("index", _ws.Source));
        Assert.Equal((6L, 3L), Save());
        Assert.Equal((0L, 0L), Save());
        Ok(_ws.Bupfs("index", "--fake-invalid", Sub));
        Assert.Equal((5L, 2L), Save());
        Assert.Equal((0L, 0L), Save());
    }

    [Fact]
    public void Fake_valid_makes_a_save_skip_a_changed_file()
    {
        Ok(_ws.Bupfs("index", _ws.Source));
        Save();
        File.WriteAllText(Path.Combine(Sub, "b.txt"), "changed");
        Thread.Sleep(1100);
        Ok(_ws.Bupfs("index", "--fake-valid", _ws.Source));
        Assert.Equal((0L, 0L), Save());
        Assert.Equal("bb", _ws.Git("cat-file", "blob", $"t:{_ws.SavedSource}/sub/b.txt"));

        // Once the index is told the truth, the change is saved.
        Ok(_ws.Bupfs("index", "--fake-invalid", Sub));
        Save();
        Assert.Equal("changed", _ws.Git("cat-file", "blob", $"t:{_ws.SavedSource}/sub/b.txt"));
    }

    [Fact]
    public void Fake_options_need_an_update_and_exclude_each_other()
    {
        Assert.NotEqual(0, _ws.Bupfs("index", "-p", "--fake-valid", _ws.Source).Exit);
        Assert.NotEqual(0, _ws.Bupfs("index", "--fake-valid", "--fake-invalid", _ws.Source).Exit);
        Assert.False(File.Exists(IndexPath));
    }

    /// <summary>The same steps with bup and bupfs give the same status of every entry below the source.</summary>
    [Fact]
    public void Status_after_fake_options_matches_bup()
    {
        foreach (var step in new[] { "save", "--fake-invalid sub", "--fake-valid src", "--fake-invalid sub/b.txt" })
        {
            Assert.Equal(Statuses(BupStep, step), Statuses(BupfsStep, step));
        }
    }

    private (int, string, string) BupStep(params string[] args) => _ws.Bup(args);

    private (int, string, string) BupfsStep(params string[] args) => _ws.Bupfs(args);

    /// <summary>Runs one step with <paramref name="tool"/>, then returns its "status path" lines for the source, sorted.</summary>
    private List<string> Statuses(Func<string[], (int Exit, string Stdout, string Stderr)> tool, string step)
    {
        if (step == "save")
        {
            Ok(tool(["index", _ws.Source]));
            Ok(tool(["save", "-q", "-n", "s", _ws.Source]));
        }
        else
        {
            var parts = step.Split(' ');
            var target = parts[1] == "src" ? _ws.Source : Path.Combine(_ws.Source, parts[1]);
            Ok(tool(["index", parts[0], target]));
        }

        return [.. Ok(tool(["index", "-s", _ws.Source])).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
    }
}
