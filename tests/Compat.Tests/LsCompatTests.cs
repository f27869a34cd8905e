using System.Text;
using Compat.Tests.Backup;
using Compat.Tests.Support;
using TestSupport;

namespace Compat.Tests;

/// <summary>bupfs ls prints what bup ls prints, byte for byte, on saves real bup made of a rich tree.</summary>
public sealed class LsCompatTests : IClassFixture<LsCompatTests.SavedTree>
{
    private readonly SavedTree _saved;

    public LsCompatTests(SavedTree saved) => _saved = saved;

    [Theory]
    [InlineData("-l")]
    [InlineData("-la")]
    [InlineData("-lA")]
    [InlineData("-l --numeric-ids")]
    [InlineData("-l --human-readable")]
    [InlineData("-s")]
    [InlineData("-F")]
    [InlineData("--file-type")]
    [InlineData("-a")]
    public void Listings_of_save_folders_equal_bup_ls(string options)
    {
        foreach (var folder in new[] { "", "/modes", "/links", "/hard", "/boundary", "/names", "/small/d1/e1" })
        {
            Same([.. options.Split(' '), $"/t/latest{_saved.Source}{folder}"]);
        }
    }

    [Theory]
    [InlineData("-l")]
    [InlineData("-s")]
    [InlineData("-la")]
    [InlineData("--commit-hash")]
    public void Listings_of_the_root_and_branches_equal_bup_ls(string options)
    {
        foreach (var path in new[] { "/", "/t", "/t/latest", "/.tag" })
        {
            Same([options, path]);
        }
    }

    [Fact]
    public void Single_entries_directories_and_several_paths_equal_bup_ls()
    {
        var root = $"/t/latest{_saved.Source}";
        Same(["-l", $"{root}/text.txt"]);
        Same(["-l", $"{root}/links/relative"]);
        Same(["-ld", $"{root}/modes"]);
        Same(["-l", $"{root}/modes/../links"]);
        Same(["-l", $"{root}/boundary", $"{root}/text.txt"]);
    }

    [Theory]
    [InlineData("-d", "t/latest")]
    [InlineData("-d", "t/latest/")]
    [InlineData("-d", "//t/latest")]
    [InlineData("-d", "///t//latest/./")]
    [InlineData("-ld", "t/latest")]
    [InlineData("-d", ".")]
    [InlineData("-d", "..")]
    [InlineData("-d", "/t/latest/..")]
    [InlineData("-l", "t//latest/")]
    [InlineData("-ld", "t/latest/")]
    public void Paths_are_printed_as_given_as_bup_ls_prints_them(string option, string path)
    {
        SameRun([option, path]);
    }

    [Fact]
    public void Relative_files_and_several_paths_are_printed_as_bup_ls_prints_them()
    {
        SameRun([$"t/latest{_saved.Source}/text.txt"]);
        SameRun(["-l", $"t/latest/{_saved.Source}//text.txt"]);
        SameRun(["-d", "t/", "//t/latest", $"t/latest{_saved.Source}/modes/"]);
        SameRun(["-s", "t", "/.tag/"]);
    }

    [Fact]
    public void A_missing_path_fails_as_in_bup_ls()
    {
        var bup = RestoreCli.Bup(_saved.Tool.Repo, "ls", "t/latest/nope", "t");
        var bupfs = RestoreCli.Bupfs(_saved.Tool.Repo, "ls", "t/latest/nope", "t");
        Assert.Equal((1, Encoding.Latin1.GetString(bup.Stdout)), (bupfs.Exit, Encoding.Latin1.GetString(bupfs.Stdout)));
        Assert.Equal(1, bup.Exit);
        Assert.Contains("cannot access", bup.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: cannot access 't/latest/nope'", bupfs.Stderr, StringComparison.Ordinal);
    }

    // A branch shows its newest save's root metadata, mode included: the 0700 root saved in /p.
    [Fact]
    public void Branches_show_their_latest_saves_root_mode_as_in_bup_ls()
    {
        Assert.Contains("drwx------ ", _saved.Tool.Bup("ls", "-l", "/"), StringComparison.Ordinal);
        foreach (var args in new string[][] { ["-l", "/"], ["-la", "/"], ["-la", "/p"], ["-la", "/p/latest"], ["-ld", "/p"], ["-l", "p"] })
        {
            SameRun(args);
        }
    }

    [Fact]
    public void Non_utf8_paths_are_taken_as_bytes_as_in_bup_ls()
    {
        foreach (var args in new[] { "-d /p/latest/$N", "-ld p/latest/$N/", "p/latest/$N/f", "-d p/latest/$N /p/latest/$N/f" })
        {
            var script = $"N=$(printf 'caf\\351'); {{0}} ls {args}";
            var bup = RestoreCli.Sh(_saved.Tool.Repo, string.Format(System.Globalization.CultureInfo.InvariantCulture, script, "bup"));
            var bupfs = RestoreCli.Sh(_saved.Tool.Repo, string.Format(System.Globalization.CultureInfo.InvariantCulture, script, RestoreCli.BupfsCommand));
            Assert.Equal((0, Encoding.Latin1.GetString(bup.Stdout)), (bupfs.Exit, Encoding.Latin1.GetString(bupfs.Stdout)));
            Assert.Contains((byte)0xe9, bup.Stdout);
        }
    }

    // Runs ls with bup and bupfs: same exit status, same stdout bytes, and stderr empty for both or neither.
    private void SameRun(string[] args)
    {
        var bup = RestoreCli.Bup(_saved.Tool.Repo, ["ls", .. args]);
        var bupfs = RestoreCli.Bupfs(_saved.Tool.Repo, ["ls", .. args]);
        Assert.Equal((bup.Exit, Encoding.UTF8.GetString(bup.Stdout), bup.Stderr.Length == 0),
            (bupfs.Exit, Encoding.UTF8.GetString(bupfs.Stdout), bupfs.Stderr.Length == 0));
        Assert.Equal(bup.Stdout, bupfs.Stdout);
    }

    private void Same(string[] args) => Assert.Equal(_saved.Tool.Bup(["ls", .. args]), _saved.Tool.Bupfs(["ls", .. args]));

    /// <summary>One rich tree saved twice by real bup (two saves make the branch listing interesting).</summary>
    public sealed class SavedTree : IDisposable
    {
        public SavedTree()
        {
            Source = Path.Combine(Tool.Root, "src");
            SampleTree.Create(Source, SampleTreeOptions.Small with { Devices = true, Socket = true, SmallFiles = 20 });
            Tool.Bup("init");
            Tool.Bup("index", Source);
            Tool.Bup("save", "-n", "t", "-d", "1600000000", Source);
            Tool.Bup("save", "-n", "t", "-d", "1600000100", Source);
            Tool.Bup("tag", "v1", "t");
            // A second branch whose saved root is a 0700 folder holding a Latin-1 name.
            Tool.Sh("mkdir -p private/\"$(printf 'caf\\351')\" && echo x > private/\"$(printf 'caf\\351')\"/f && chmod 700 private");
            Tool.Bup("index", Path.Combine(Tool.Root, "private"));
            Tool.Bup("save", "-n", "p", "-d", "1600000200", "--strip-path", Path.Combine(Tool.Root, "private"), Path.Combine(Tool.Root, "private"));
        }

        internal BupfsTool Tool { get; } = new();

        public string Source { get; }

        public void Dispose() => Tool.Dispose();
    }
}
