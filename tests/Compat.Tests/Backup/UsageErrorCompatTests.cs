namespace Compat.Tests.Backup;

/// <summary>
/// Usage errors, command by command, run with real bup 0.33 and with bupfs in the same repository:
/// the same exit status (97 from bup's option parser for an unknown option, a missing option
/// argument or a command's own refusal; 1 where bup only fails converting a number) and, from
/// bupfs, one plain line on stderr. Long options are read as getopt reads them: unique prefixes,
/// "--no-" forms of flags, no value for a flag.
/// </summary>
public sealed class UsageErrorCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public UsageErrorCompatTests()
    {
        Directory.CreateDirectory(_ws.Source);
        File.WriteAllBytes(Path.Combine(_ws.Source, "data"), Compat.Tests.Support.MixedData.Create(50_000, 3));
    }

    public void Dispose() => _ws.Dispose();

    public static TheoryData<string> UnknownOptions() =>
    [
        "ls --bogus", "ls -Z", "save --bogus", "restore --bogus", "split --bogus", "split -Z src/data", "join --bogus", "index --bogus",
        "fsck --bogus", "midx --bogus", "bloom --bogus", "cat-file --bogus", "init --bogus", "fsck --par2-ok --bogus", "save -n t --strip-prefix x src",
    ];

    public static TheoryData<string> MissingArguments() =>
    [
        "save -n", "restore -C", "split -n", "join -o", "fsck -j", "bloom -k", "index --exclude", "save -n t --strip-path",
    ];

    public static TheoryData<string> RefusedByTheCommand() =>
    [
        "save src", "split src/data", "midx", "cat-file", "restore", "init extra", "bloom -k 7", "bloom -k x", "save -n x..y src",
        "save -n t -d yesterday src", "split -n x -d yesterday src/data", "split -n x -b src/data", "index",
    ];

    public static TheoryData<string> BadNumbers() =>
    [
        "split -n x --fanout zero src/data", "split -n x --compress x src/data", "save -n t --compress 12 src", "split -n x --max-pack-objects x src/data",
    ];

    public static TheoryData<string> LongOptionsAsGetoptReadsThem() =>
    [
        "ls --hum", "ls --no-human-readable", "ls --comm", "fsck --quick --no-quick", "split --nam z src/data", "split --nam=y src/data",
    ];

    [Theory]
    [MemberData(nameof(LongOptionsAsGetoptReadsThem))]
    public void Unique_prefixes_and_no_forms_of_long_options_work_as_in_bup(string args)
    {
        var argv = args.Split(' ');
        var bup = _ws.Bup(argv);
        var ours = _ws.Bupfs(argv);
        Assert.Equal((0, bup.Stdout), (bup.Exit, bup.Stdout));
        Assert.True(ours.Exit == 0, $"bupfs {args}: exit {ours.Exit}: {ours.Stderr}");
        Assert.Equal(bup.Stdout, ours.Stdout);
    }

    [Theory]
    [InlineData("ls --file-type=x")]
    [InlineData("fsck --quick=yes")]
    [InlineData("ls --no-bogus")]
    public void Flags_given_a_value_and_unknown_no_forms_exit_97_as_in_bup(string args) => SameStatus(args, 97);

    [Theory]
    [MemberData(nameof(UnknownOptions))]
    public void Unknown_options_exit_97_as_in_bup(string args) => SameStatus(args, 97);

    [Theory]
    [MemberData(nameof(MissingArguments))]
    public void Missing_option_arguments_exit_97_as_in_bup(string args) => SameStatus(args, 97);

    [Theory]
    [MemberData(nameof(RefusedByTheCommand))]
    public void Commands_refusing_their_arguments_exit_97_as_in_bup(string args) => SameStatus(args, 97);

    [Theory]
    [MemberData(nameof(BadNumbers))]
    public void Numbers_bup_cannot_convert_exit_1_as_in_bup(string args) => SameStatus(args, 1);

    [Theory]
    [InlineData("cat-file")]
    [InlineData("restore")]
    [InlineData("index --fake-valid --fake-invalid -u src")]
    [InlineData("save src")]
    [InlineData("split src/data")]
    [InlineData("bloom -k 7")]
    [InlineData("ls --bogus")]
    public void Without_a_repository_options_or_the_repository_fail_first_as_in_bup(string args)
    {
        string[] argv = ["-d", Path.Combine(_ws.Root, "nowhere"), .. args.Split(' ')];
        var bup = _ws.Bup(argv);
        var ours = _ws.Bupfs(argv);
        Assert.True(bup.Exit == ours.Exit, $"bupfs {args}: exit {ours.Exit}, bup {bup.Exit}: {ours.Stderr}");
        Assert.Single(ours.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Messages_use_getopt_wording()
    {
        Assert.Equal("bupfs fsck: option --bogus not recognized (see 'bupfs fsck --help')\n", _ws.Bupfs("fsck", "--bogus").Stderr);
        Assert.Equal("bupfs save: option -n requires argument (see 'bupfs save --help')\n", _ws.Bupfs("save", "-n").Stderr);
        Assert.Contains("error: option -n requires argument", _ws.Bup("save", "-n").Stderr, StringComparison.Ordinal);
    }

    // Runs the same command line with both; bup's status is the expected one, bupfs prints one plain line.
    private void SameStatus(string args, int expected)
    {
        var argv = args.Split(' ');
        var bup = _ws.Bup(argv);
        var ours = _ws.Bupfs(argv);
        Assert.Equal(expected, bup.Exit);
        Assert.True(expected == ours.Exit, $"bupfs {args}: exit {ours.Exit}: {ours.Stderr}");
        Assert.Single(ours.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotMatch(@"System\.|Exception|`1", ours.Stderr);
    }
}
