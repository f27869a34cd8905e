namespace Compat.Tests.Backup;

/// <summary>
/// bup's command line, option for option: exit statuses for a missing repository, the options bup
/// has (split --bench, join -o, midx -o, bloom --ruin/-o/-d), unknown options, and plain messages
/// for bad values. Each runs the same steps with real bup and with bupfs.
/// </summary>
public sealed class CommandLineCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public CommandLineCompatTests()
    {
        Directory.CreateDirectory(_ws.Source);
        File.WriteAllBytes(Path.Combine(_ws.Source, "data"), Compat.Tests.Support.MixedData.Create(300_000, 7));
        Thread.Sleep(1100);
    }

    public void Dispose() => _ws.Dispose();

    private static readonly string[][] RepositoryCommands =
    [
        ["index", "src"], ["index", "-p"], ["save", "-n", "t", "src"], ["ls"], ["split", "-n", "x", "src/data"], ["join", "x"],
        ["cat-file", "x"], ["midx", "-a"], ["bloom"], ["restore", "-C", "out", "t/latest"], ["fsck"],
    ];

    [Fact]
    public void A_missing_repository_is_exit_15_and_a_non_repository_14_for_every_command()
    {
        var notRepo = Path.Combine(_ws.Root, "not-a-repo");
        Directory.CreateDirectory(notRepo);
        foreach (var repo in new[] { Path.Combine(_ws.Root, "nowhere"), notRepo })
        {
            foreach (var args in RepositoryCommands)
            {
                var bup = _ws.Run("bup", ["-d", repo, .. args]);
                var ours = _ws.Bupfs(["-d", repo, .. args]);
                Assert.True(bup.Exit == ours.Exit, $"{string.Join(' ', args)} with {repo}: bup {bup.Exit}, bupfs {ours.Exit}: {ours.Stderr}");
                Assert.Single(ours.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
        }
    }

    [Fact]
    public void Unknown_options_are_errors_not_paths()
    {
        foreach (var args in new[] { new[] { "index", "--bogus", "src" }, ["save", "-n", "t", "--bogus", "src"], ["split", "-Z", "src/data"] })
        {
            var bup = _ws.Bup(args);
            var ours = _ws.Bupfs(args);
            Assert.NotEqual(0, bup.Exit);
            Assert.NotEqual(0, ours.Exit);
            Assert.Equal($"bupfs {args[0]}: option {args[^2]} not recognized (see 'bupfs {args[0]} --help')\n", ours.Stderr);
        }

        Assert.False(File.Exists(Path.Combine(_ws.Repo, "bupfs-index")));
        var dashed = _ws.Bupfs("index", "-p", "--", "-not-an-option");
        Assert.DoesNotContain("not recognized", dashed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_get_plain_messages()
    {
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "src"));
        string[][] refused =
        [
            ["save", "-n", "t", "--compress", "12", "src"], ["save", "-n", "t", "-d", "yesterday", "src"], ["save", "-n", "a b", "src"],
            ["save", "-n", "t", "--smaller", "-5", "src"], ["split", "-n", "x", "--max-pack-size", "-5", "src/data"],
            ["split", "-n", "x", "--fanout", "zero", "src/data"], ["save", "-n", "x..y", "src"], ["save", "-n", "x.lock", "src"],
        ];
        foreach (var args in refused)
        {
            var ours = _ws.Bupfs(args);
            Assert.True(ours.Exit != 0, string.Join(' ', args));
            Assert.Single(ours.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.DoesNotMatch(@"System\.|Exception|`1", ours.Stderr);
            Assert.Equal(ours.Exit, _ws.Bupfs(args).Exit);
        }

        Assert.False(_ws.Run("git", ["--git-dir", _ws.Repo, "rev-parse", "--verify", "-q", "refs/heads/t"]).Exit == 0);

        // bup takes "-" as a branch name, and so does git.
        var bup = _ws.Bup("index", "src");
        Assert.Equal(0, bup.Exit);
        Assert.Equal(_ws.Bup("save", "-n", "-", "src").Exit, _ws.Bupfs("save", "-n", "-", "src").Exit);
    }

    [Fact]
    public void Split_bench_and_compression_digits()
    {
        var bup = _ws.Bup("split", "--bench", "-9", "-n", "b", "src/data");
        var ours = _ws.Bupfs("split", "--bench", "-9", "-n", "o", "src/data");
        Assert.Equal(bup.Exit, ours.Exit);
        const string bench = @"^bup: [0-9.]+ kbytes in [0-9.]+ secs = [0-9.]+ kbytes/sec$";
        Assert.Matches(bench, bup.Stderr.Trim().Split('\n')[^1]);
        Assert.Matches(bench, ours.Stderr.Trim().Split('\n')[^1]);
        Assert.Equal(_ws.Git("rev-parse", "b^{tree}"), _ws.Git("rev-parse", "o^{tree}"));
    }

    [Fact]
    public void Join_writes_to_the_file_named_by_o()
    {
        SaveCompatWorkspace.Ok(_ws.Bup("split", "-n", "b", "src/data"));
        SaveCompatWorkspace.Ok(_ws.Bup("join", "-o", "bup.out", "b"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("join", "-o", "ours.out", "b"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_ws.Root, "bup.out")), File.ReadAllBytes(Path.Combine(_ws.Root, "ours.out")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_ws.Source, "data")), File.ReadAllBytes(Path.Combine(_ws.Root, "ours.out")));
    }

    [Fact]
    public void Midx_and_bloom_output_options_write_what_bup_writes()
    {
        SaveCompatWorkspace.Ok(_ws.Bup("split", "--max-pack-objects", "3", "-n", "b", "src/data"));
        var packDir = Path.Combine(_ws.Repo, "objects", "pack");
        var idx = Directory.GetFiles(packDir, "*.idx").Order(StringComparer.Ordinal).ToArray();
        Assert.True(idx.Length >= 2);
        SaveCompatWorkspace.Ok(_ws.Bup(["midx", "-o", "bup.midx", .. idx]));
        SaveCompatWorkspace.Ok(_ws.Bupfs(["midx", "-o", "ours.midx", .. idx]));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_ws.Root, "bup.midx")), File.ReadAllBytes(Path.Combine(_ws.Root, "ours.midx")));

        SaveCompatWorkspace.Ok(_ws.Bup("bloom", "-d", packDir, "-o", "bup.bloom"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("bloom", "-d", packDir, "-o", "ours.bloom"));
        var bupBloom = Path.Combine(_ws.Root, "bup.bloom");
        var ourBloom = Path.Combine(_ws.Root, "ours.bloom");
        Assert.Equal(File.ReadAllBytes(bupBloom), File.ReadAllBytes(ourBloom));
        SaveCompatWorkspace.Ok(_ws.Bup("bloom", "--ruin", "-o", "bup.bloom"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("bloom", "--ruin", "-o", "ours.bloom"));
        Assert.Equal(File.ReadAllBytes(bupBloom), File.ReadAllBytes(ourBloom));
        Assert.Equal(_ws.Bup("bloom", "--ruin", "-o", "missing.bloom").Exit, _ws.Bupfs("bloom", "--ruin", "-o", "missing.bloom").Exit);
    }
}
