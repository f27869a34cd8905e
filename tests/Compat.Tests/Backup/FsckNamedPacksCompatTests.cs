using Compat.Tests.Support;

namespace Compat.Tests.Backup;

/// <summary>
/// bup fsck [options] [filenames]: packs named by pack, idx, par2 or stem path are checked alone;
/// -g, -r, --disable-par2 and --par2-ok on them, and -r of a repository whose idx is damaged.
/// Real bup 0.33 works on one copy of a repository
/// and bupfs on another; both must print the same "pack-X RESULT" lines (-v) and exit alike.
/// </summary>
public sealed class FsckNamedPacksCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();
    private readonly string _bupRepo;
    private readonly string[] _packs;

    public FsckNamedPacksCompatTests()
    {
        Directory.CreateDirectory(_ws.Source);
        File.WriteAllBytes(Path.Combine(_ws.Source, "a"), MixedData.Create(200_000, 1));
        File.WriteAllBytes(Path.Combine(_ws.Source, "b"), MixedData.Create(200_000, 2));
        SaveCompatWorkspace.Ok(_ws.Bup("split", "-n", "a", "src/a"));
        SaveCompatWorkspace.Ok(_ws.Bup("split", "-n", "b", "src/b"));
        _packs = Directory.GetFiles(PackDir(_ws.Repo), "*.pack").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(2, _packs.Length);
        _bupRepo = Path.Combine(_ws.Root, "bup-repo");
        _ws.Run("cp", ["-a", _ws.Repo, _bupRepo]);
    }

    public void Dispose() => _ws.Dispose();

    private static string PackDir(string repo) => Path.Combine(repo, "objects", "pack");

    [Theory]
    [InlineData("-v {0}.pack")]
    [InlineData("-v {0}.idx")]
    [InlineData("-v {0}")]
    [InlineData("-v {0}.par2")]
    [InlineData("-v --quick {0}.idx")]
    [InlineData("-v {0}.pack {1}.idx {0}.pack")]
    [InlineData("{0}.pack")]
    [InlineData("-v nosuch.pack")]
    [InlineData("nosuch")]
    public void Named_packs_are_checked_as_in_bup(string args) => Same(args);

    [Fact]
    public void Named_packs_need_no_bup_dir_as_in_bup()
    {
        var nowhere = new Dictionary<string, string> { ["BUP_DIR"] = Path.Combine(_ws.Root, "nowhere") };
        var bup = _ws.Run("bup", Args("-v {0}.pack {1}.idx", _bupRepo), env: nowhere);
        var ours = _ws.Run(TestSupport.BupfsProgram.FileName, TestSupport.BupfsProgram.Arguments(Args("-v {0}.pack {1}.idx", _ws.Repo)), env: nowhere);
        Assert.Equal((0, WithoutEmptyLines(bup.Stdout)), (ours.Exit, ours.Stdout));
        Assert.Equal($"{_packs[0]} ok\n{_packs[1]} ok\n", ours.Stdout);
    }

    [Fact]
    public void Only_the_named_pack_is_checked()
    {
        foreach (var repo in new[] { _ws.Repo, _bupRepo })
        {
            PackDamage.Flip(Path.Combine(PackDir(repo), _packs[1] + ".pack"), 5000, 4);
        }

        Assert.Equal(0, Same("-v {0}.pack"));
        Assert.Equal(1, Same("-v {1}.pack"));
        Assert.Equal(1, Same("-v --quick {1}.pack"));
        Assert.Equal(1, Same("{0}.pack {1}.pack"));
    }

    [Fact]
    public void Generate_exists_skipped_and_broken_recovery_sets_as_in_bup()
    {
        RequirePar2();
        Assert.Equal(0, Same("-v -g {0}.pack"));
        Assert.True(File.Exists(Path.Combine(PackDir(_ws.Repo), _packs[0] + ".vol000+200.par2")));

        // bup verifies the recovery files bupfs wrote, by par2.
        var verify = _ws.Bup("fsck", "-v", Path.Combine(PackDir(_ws.Repo), _packs[0] + ".pack"));
        Assert.Equal((0, $"{_packs[0]} ok\n"), (verify.Exit, WithoutEmptyLines(verify.Stdout)));

        Assert.Equal(0, Same("-v -g {0}.pack"));
        Assert.Equal(0, Same("-v --disable-par2 -g {1}.pack"));
        Assert.False(File.Exists(Path.Combine(PackDir(_ws.Repo), _packs[1] + ".par2")));
        Assert.Equal(0, Same("-v --disable-par2 {0}.pack"));
        Assert.Equal(0, Same("-v --disable-par2 -r {0}.pack"));

        foreach (var repo in new[] { _ws.Repo, _bupRepo })
        {
            File.Delete(Path.Combine(PackDir(repo), _packs[0] + ".vol000+200.par2"));
        }

        Assert.Equal(2, Same("-v {0}.pack {1}.pack"));
    }

    [Fact]
    public void Repair_of_a_named_pack_by_par2_exits_100_as_in_bup()
    {
        RequirePar2();
        Assert.Equal(0, Same("-g {0}.pack"));
        var original = File.ReadAllBytes(Path.Combine(PackDir(_ws.Repo), _packs[0] + ".pack"));
        foreach (var repo in new[] { _ws.Repo, _bupRepo })
        {
            PackDamage.Flip(Path.Combine(PackDir(repo), _packs[0] + ".pack"), 5000, 4);
        }

        Assert.Equal(1, Same("-v {0}.pack"));
        Assert.Equal(100, Same("-v -r {0}.pack {1}.pack"));
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(PackDir(_ws.Repo), _packs[0] + ".pack")));
        Assert.Equal(0, Same("-v {0}.pack"));
    }

    [Fact]
    public void Repair_by_par2_of_a_damaged_idx_exits_100_as_in_bup()
    {
        RequirePar2();
        Assert.Equal(0, Same("-g {0}.pack {1}.pack"));
        var idx = Path.Combine(PackDir(_ws.Repo), _packs[0] + ".idx");
        var original = File.ReadAllBytes(idx);
        foreach (var repo in new[] { _ws.Repo, _bupRepo })
        {
            var path = Path.Combine(PackDir(repo), _packs[0] + ".idx");
            _ws.Run("chmod", ["u+w", path]);
            PackDamage.Flip(path, 8 + (4 * 131), 2); // fanout entry 131: no longer monotonic
        }

        var bup = _ws.Run("bup", ["fsck", "-r"], env: new Dictionary<string, string> { ["BUP_DIR"] = _bupRepo });
        var ours = _ws.Bupfs("fsck", "-r");
        Assert.Equal((100, 100), (bup.Exit, ours.Exit));
        Assert.Equal(original, File.ReadAllBytes(idx));
        Assert.Equal(0, _ws.Bupfs("fsck", "-r").Exit);
        Assert.Equal(0, _ws.Bupfs("fsck").Exit);
    }

    [Theory]
    [InlineData("-v")]
    [InlineData("-v -r")]
    [InlineData("-v -g")]
    [InlineData("--quick")]
    public void An_empty_par2_file_fails_every_fsck_with_2_as_in_bup(string args)
    {
        RequirePar2();
        Assert.Equal(0, Same("-g {0}.pack {1}.pack"));
        foreach (var repo in new[] { _ws.Repo, _bupRepo })
        {
            File.WriteAllBytes(Path.Combine(PackDir(repo), _packs[0] + ".par2"), []);
        }

        var bup = _ws.Run("bup", ["fsck", .. args.Split(' ')], env: new Dictionary<string, string> { ["BUP_DIR"] = _bupRepo });
        var ours = _ws.Bupfs(["fsck", .. args.Split(' ')]);
        Assert.Equal((2, 2), (bup.Exit, ours.Exit));
        Assert.Contains("error: empty par2 file - ", ours.Stderr, StringComparison.Ordinal);
        Assert.Equal(0L, new FileInfo(Path.Combine(PackDir(_ws.Repo), _packs[0] + ".par2")).Length);
    }

    [Fact]
    public void Repair_of_an_unreadable_pack_without_par2_fails_every_time_as_in_bup()
    {
        foreach (var repo in new[] { _ws.Repo, _bupRepo })
        {
            PackDamage.Flip(Path.Combine(PackDir(repo), _packs[0] + ".pack"), 0, 4); // no "PACK" magic
        }

        for (var run = 0; run < 2; run++)
        {
            var bup = _ws.Run("bup", ["fsck", "-r"], env: new Dictionary<string, string> { ["BUP_DIR"] = _bupRepo });
            var ours = _ws.Bupfs("fsck", "-r");
            Assert.Equal((1, 1), (bup.Exit, ours.Exit));
        }

        Assert.Equal(1, _ws.Bupfs("fsck").Exit);
    }

    [Fact]
    public void Par2_ok_says_only_whether_par2_runs()
    {
        RequirePar2();
        foreach (var args in new[] { "--par2-ok", "--par2-ok --disable-par2", "--par2-ok nosuch" })
        {
            var bup = _ws.Bup(["fsck", .. args.Split(' ')]);
            var ours = _ws.Bupfs(["fsck", .. args.Split(' ')]);
            Assert.Equal((0, "", ""), (bup.Exit, bup.Stdout, bup.Stderr));
            Assert.Equal((0, "", ""), (ours.Exit, ours.Stdout, ours.Stderr));
        }
    }

    [Fact]
    public void Without_par2_par2_ok_is_1_and_generate_skips_with_a_warning_as_in_bup()
    {
        var exe = TestSupport.BupfsProgram.Executable;
        if (exe is null)
        {
            Assert.Skip("needs the published bupfs (BUPFS_EXE) to run without par2 on PATH");
        }

        var bin = Path.Combine(_ws.Root, "bin");
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "python3", "git", "sh", "env" })
        {
            _ws.Run("sh", ["-c", $"ln -s \"$(command -v {tool})\" {bin}/{tool}"]);
        }

        var path = new Dictionary<string, string> { ["PATH"] = bin };
        foreach (var args in new[] { "--par2-ok", "-v -g {0}.pack", "-v -r {0}.pack" })
        {
            var bup = _ws.Run("/usr/bin/bup", Args(args, _bupRepo), env: path);
            var ours = _ws.Run(exe, Args(args, _ws.Repo), env: path);
            Assert.Equal((bup.Exit, WithoutEmptyLines(bup.Stdout)), (ours.Exit, ours.Stdout));
            Assert.Contains("par2 not found; disabling recovery features", bup.Stderr, StringComparison.Ordinal);
            Assert.Matches("^bupfs fsck: warning: par2 not found; disabling recovery features.\n$", ours.Stderr);
        }
    }

    private static void RequirePar2()
    {
        if (!File.Exists("/usr/bin/par2"))
        {
            Assert.Skip("par2 is not installed");
        }
    }

    // "fsck" and the arguments, {0} and {1} standing for the paths of the two packs (without extension) in repo.
    private string[] Args(string args, string repo) =>
        ["fsck", .. args.Split(' ').Select(a => string.Format(System.Globalization.CultureInfo.InvariantCulture, a, _packs.Select(p => Path.Combine(PackDir(repo), p)).ToArray<object>()))];

    // bup's first par2 run (its "par2 create -qq -t1" probe) lets par2 print an empty line on stdout.
    private static string WithoutEmptyLines(string stdout) => string.Concat(stdout.Split('\n').Where(l => l.Length > 0).Select(l => l + "\n"));

    // Runs fsck with bup on its copy and bupfs on the other: same exit status and stdout; returns the status.
    private int Same(string args)
    {
        var bup = _ws.Bup(Args(args, _bupRepo));
        var ours = _ws.Bupfs(Args(args, _ws.Repo));
        Assert.True((bup.Exit, WithoutEmptyLines(bup.Stdout)) == (ours.Exit, ours.Stdout), $"fsck {args}: bup {bup.Exit} [{bup.Stdout}] {bup.Stderr}\nbupfs {ours.Exit} [{ours.Stdout}] {ours.Stderr}");
        return ours.Exit;
    }
}
