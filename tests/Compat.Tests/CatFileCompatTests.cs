using Compat.Tests.Backup;

namespace Compat.Tests;

/// <summary>bupfs cat-file on paths of the repository view prints what bup cat-file prints, byte for byte.</summary>
public sealed class CatFileCompatTests : IClassFixture<LsCompatTests.SavedTree>
{
    private readonly LsCompatTests.SavedTree _saved;

    public CatFileCompatTests(LsCompatTests.SavedTree saved) => _saved = saved;

    private string Root => $"/t/latest{_saved.Source}";

    [Theory]
    [InlineData("--meta", "/text.txt")]
    [InlineData("--meta", "/modes")]
    [InlineData("--meta", "/links/relative")]
    [InlineData("--meta", "//text.txt")]
    [InlineData("--bupm", "")]
    [InlineData("--bupm", "/modes")]
    [InlineData("--bupm", "/hard/")]
    [InlineData("--bupm", "/small/d1/e1")]
    public void Records_of_save_entries_equal_bup_cat_file(string option, string path)
    {
        var bytes = Same([option, Root + path]);
        Assert.NotEmpty(bytes);
    }

    [Theory]
    [InlineData("--meta", "t/latest/")]
    [InlineData("--bupm", "/t/latest/")]
    [InlineData("--bupm", "p/latest/")]
    [InlineData("--meta", "//p/latest/")]
    public void Records_of_saves_equal_bup_cat_file(string option, string path)
    {
        Assert.NotEmpty(Same([option, path]));
    }

    [Fact]
    public void Paths_with_doubled_slashes_and_relative_record_paths_equal_bup_cat_file()
    {
        Assert.NotEmpty(Same([$"//t/latest{_saved.Source}/text.txt"]));
        Assert.NotEmpty(Same(["--meta", $"t/latest{_saved.Source}//modes/"]));
    }

    [Theory]
    [InlineData("--bupm", "/text.txt", "is not a directory")]
    [InlineData("--meta", "/nope", "cannot access")]
    public void Bad_targets_fail_as_in_bup_cat_file(string option, string path, string message)
    {
        var bup = RestoreCli.Bup(_saved.Tool.Repo, "cat-file", option, Root + path);
        var bupfs = RestoreCli.Bupfs(_saved.Tool.Repo, "cat-file", option, Root + path);
        Assert.Equal((bup.Exit != 0, 0), (bupfs.Exit != 0, bupfs.Stdout.Length));
        Assert.NotEqual(0, bupfs.Exit);
        Assert.Contains(message, bup.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, bupfs.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--meta", "/t")]
    [InlineData("--meta --bupm", "/t/latest/")]
    public void Misused_options_fail_as_in_bup_cat_file(string options, string path)
    {
        var bup = RestoreCli.Bup(_saved.Tool.Repo, ["cat-file", .. options.Split(' '), path]);
        var bupfs = RestoreCli.Bupfs(_saved.Tool.Repo, ["cat-file", .. options.Split(' '), path]);
        Assert.NotEqual(0, bup.Exit);
        Assert.NotEqual(0, bupfs.Exit);
        Assert.Empty(bupfs.Stdout);
    }

    [Theory]
    [InlineData("/p/latest/$N/f")]
    [InlineData("--meta /p/latest/$N")]
    [InlineData("--bupm p/latest/$N")]
    public void Non_utf8_paths_are_taken_as_bytes_as_in_bup_cat_file(string args)
    {
        var script = $"N=$(printf 'caf\\351'); {{0}} cat-file {args}";
        var bup = RestoreCli.Sh(_saved.Tool.Repo, string.Format(System.Globalization.CultureInfo.InvariantCulture, script, "bup"));
        var bupfs = RestoreCli.Sh(_saved.Tool.Repo, string.Format(System.Globalization.CultureInfo.InvariantCulture, script, RestoreCli.BupfsCommand));
        Assert.Equal((0, Convert.ToHexString(RestoreCli.Check(bup, "bup cat-file"))), (bupfs.Exit, Convert.ToHexString(bupfs.Stdout)));
        Assert.NotEmpty(bup.Stdout);
    }

    [Theory]
    [InlineData("/t/latest{0}/text.txt")]
    [InlineData("t/latest{0}/text.txt")]
    [InlineData("/t/latest/{0}//text.txt")]
    public void File_contents_equal_bup_cat_file(string path) => Assert.NotEmpty(Same([At(path)]));

    [Theory]
    [InlineData("/t//latest{0}/text.txt", 97)]
    [InlineData("/t", 97)]
    [InlineData("/t/latest", 97)]
    [InlineData("/t/latest{0}/links/relative", 97)]
    [InlineData("/t/latest{0}/modes", 97)]
    [InlineData("/t/latest{0}/nope", 1)]
    [InlineData("/t/latest{0}/text.txt/", 1)]
    public void Paths_bup_refuses_are_refused_with_its_exit_status(string path, int exit)
    {
        var bup = RestoreCli.Bup(_saved.Tool.Repo, "cat-file", At(path));
        var bupfs = RestoreCli.Bupfs(_saved.Tool.Repo, "cat-file", At(path));
        Assert.Equal((exit, 0), (bup.Exit, bup.Stdout.Length));
        Assert.Equal((exit, 0), (bupfs.Exit, bupfs.Stdout.Length));
        Assert.Single(bupfs.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private string At(string format) => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, _saved.Source);

    // Runs cat-file with both: same exit status (0), the same stdout bytes; returns them.
    private byte[] Same(string[] args)
    {
        var bup = RestoreCli.Bup(_saved.Tool.Repo, ["cat-file", .. args]);
        var bupfs = RestoreCli.Bupfs(_saved.Tool.Repo, ["cat-file", .. args]);
        Assert.Equal((0, "", Convert.ToHexString(bup.Stdout)), (bupfs.Exit, bupfs.Stderr, Convert.ToHexString(bupfs.Stdout)));
        Assert.Equal(0, bup.Exit);
        return bup.Stdout;
    }
}
