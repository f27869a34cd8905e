using System.Text;
using BupBackup.Restore;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupBackup.Tests.Restore;

/// <summary>
/// --exclude-rx patterns decide as Python's <c>re.search</c> on bytes decides (bup's matcher, run
/// here for the expected answers); --map-* arguments parse as bup's regular expressions accept them;
/// excluded subtrees are neither written nor counted.
/// </summary>
public sealed class RestoreOptionsTests : IDisposable
{
    private static readonly string[] Patterns =
    [
        "/foo$", "/foo/$", "/foo/.", "^/tmp/.", "x/y", @"\.txt$", @"(?i)/README", @"^/a\w+/", @"\bcache\b",
        @"[^\W]x", @"\d{3}", @"\s", @"(?P<c>o)(?P=c)", @"end\Z", "^/caf\u00e9", @"\xe9", "[\u00e0-\u00ff]",
    ];

    private static readonly byte[][] Paths =
    [
        "/foo"u8.ToArray(), "/foo/"u8.ToArray(), "/foo/bar"u8.ToArray(), "/tmp/"u8.ToArray(), "/tmp/x"u8.ToArray(),
        "/box/yards"u8.ToArray(), "/notes.txt"u8.ToArray(), "/docs/readme.md"u8.ToArray(), "/abc/"u8.ToArray(),
        "/web-cache/"u8.ToArray(), "/\u00e9x"u8.ToArray(), [(byte)'/', 0xE9, (byte)'x'], "/v123"u8.ToArray(),
        "/with space"u8.ToArray(), "/end\n"u8.ToArray(), "/the end"u8.ToArray(), "/caf\u00e9/"u8.ToArray(),
        [.. "/caf"u8, 0xE9, (byte)'/'], [(byte)'/', 0xFF, 0xFE],
    ];

    private readonly TempDirectory _scratch = new("restore-options");
    private readonly List<string> _errors = [];

    [Fact]
    public void PatternsMatchAsPythonReOnBytes()
    {
        if (!ProcessRunner.Exists("python3"))
        {
            Assert.Skip("python3 is not installed");
        }

        // Patterns are given as UTF-8 bytes, as bup receives them from argv.
        var expected = PythonMatches();
        var actual = Patterns.Select(p => RestoreExclusions.Parse([Encoding.UTF8.GetBytes(p)]))
            .SelectMany(x => Paths.Select(path => x.Excludes(path.AsSpan(1), isDirectory: false) ? '1' : '0'));

        Assert.Equal(expected, string.Concat(actual));
    }

    [Fact]
    public void DirectoriesAreMatchedWithATrailingSlash()
    {
        var exclusions = RestoreExclusions.Parse(["/foo/$"u8.ToArray()]);

        Assert.True(exclusions.Excludes("a/foo"u8, isDirectory: true));
        Assert.False(exclusions.Excludes("a/foo"u8, isDirectory: false));
    }

    [Fact]
    public void AnInvalidPatternIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => RestoreExclusions.Parse(["ok"u8.ToArray(), "(bad"u8.ToArray()]));

        Assert.StartsWith("invalid --exclude-rx pattern ((bad): ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PatternFileLinesSkipOnlyEmptyLines()
    {
        var lines = RestoreExclusions.Lines("a\n\nb\r\n\n\nc"u8.ToArray()).Select(Encoding.UTF8.GetString);

        Assert.Equal(["a", "b\r", "c"], lines);
    }

    [Theory]
    [InlineData("user", "foo=bar", true)]
    [InlineData("user", "foo=", true)]        // clears the name
    [InlineData("user", "=bar", false)]
    [InlineData("user", "foo", false)]
    [InlineData("user", "a=b=c", false)]
    [InlineData("uid", "1000=1042", true)]
    [InlineData("uid", "-1=7", true)]
    [InlineData("uid", "1=", false)]
    [InlineData("uid", "+1=2", false)]
    [InlineData("uid", "1 =2", false)]
    [InlineData("uid", "x=2", false)]
    public void MappingsParseAsBupParsesThem(string type, string argument, bool valid)
    {
        var map = new OwnerMap();
        var bytes = Encoding.UTF8.GetBytes(argument);
        Action add = type == "user" ? () => map.AddUser(bytes) : () => map.AddUid(bytes);

        if (valid)
        {
            add();
            Assert.False(map.IsEmpty);
        }
        else
        {
            Assert.Equal($"couldn't parse '{argument}' as {type} mapping", Assert.Throws<FormatException>(add).Message);
        }
    }

    [Fact]
    public void MappingRewritesOnlyWhatMatchesAndTheLaterMappingWins()
    {
        var map = new OwnerMap();
        map.AddUser("alice=bob"u8);
        map.AddGroup("staff="u8);
        map.AddUid("1000=2000"u8);
        map.AddUid("1000=3000"u8);
        var record = new BupMetadata { Mode = 0x81A4, User = "alice"u8.ToArray(), Group = "staff"u8.ToArray(), Uid = 1000, Gid = 50 };

        var mapped = map.Apply(record);

        Assert.Equal(("bob", "", 3000L, 50L), (Encoding.UTF8.GetString(mapped.User), Encoding.UTF8.GetString(mapped.Group), mapped.Uid, mapped.Gid));
        Assert.Equal("alice", Encoding.UTF8.GetString(record.User));
        var other = new BupMetadata { Mode = 0x81A4, User = "carol"u8.ToArray(), Uid = 1 };
        Assert.Same(other, map.Apply(other));
    }

    [Fact]
    public void ExcludedSubtreesAreNeitherWrittenNorCounted()
    {
        var repo = Path.Combine(_scratch.Path, "repo");
        using (var s = new SyntheticRepository(repo))
        {
            var file = new TreeEntry(GitFileMode.Regular, "f"u8.ToArray(), s.Blob("x"));
            var keep = s.Tree(s.Bupm(SyntheticRepository.Directory(), ("f", SyntheticRepository.File(1))), file);
            s.Save("b", s.Tree(
                s.Bupm(SyntheticRepository.Directory()),
                new TreeEntry(GitFileMode.Tree, "cache"u8.ToArray(), keep),
                new TreeEntry(GitFileMode.Tree, "keep"u8.ToArray(), keep)));
        }

        using var repository = Repository.Open(repo);
        var options = new RestoreOptions { Error = _errors.Add, Exclusions = RestoreExclusions.Parse(["/cache/$"u8.ToArray()]) };
        using var restorer = new Restorer(repository, options);
        var dest = Path.Combine(_scratch.Path, "dest");
        var summary = restorer.RestoreTo(Encoding.UTF8.GetBytes(dest), ["/b/latest/"u8.ToArray()]);

        Assert.Empty(_errors);
        Assert.Equal(2, summary.Restored); // keep/ and keep/f
        Assert.Equal(["keep"], Directory.GetFileSystemEntries(dest).Select(Path.GetFileName));
    }

    public void Dispose() => _scratch.Dispose();

    // One '0'/'1' per (pattern, path), in the order of the loops above.
    private string PythonMatches()
    {
        var input = Path.Combine(_scratch.Path, "cases");
        File.WriteAllText(input, string.Join('\n', Patterns.Select(p => Convert.ToHexString(Encoding.UTF8.GetBytes(p))))
            + "\n--\n" + string.Join('\n', Paths.Select(Convert.ToHexString)));
        const string script = """
            import re, sys
            pats, paths = open(sys.argv[1]).read().split('\n--\n')
            paths = [bytes.fromhex(p) for p in paths.split('\n')]
            print(''.join('1' if re.search(bytes.fromhex(p), path) else '0' for p in pats.split('\n') for path in paths))
            """;
        return Encoding.ASCII.GetString(ProcessRunner.Run("python3", ["-c", script, input])).Trim();
    }
}
