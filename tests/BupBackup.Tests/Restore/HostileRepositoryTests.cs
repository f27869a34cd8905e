using System.Text;
using BupBackup.Restore;
using BupStore.Objects;
using BupStore.Repository;

namespace BupBackup.Tests.Restore;

/// <summary>
/// Repositories built to make a restore write outside its destination: unsafe names, names that
/// demangle to "..", a symlink and a directory of the same name, a directory record claiming to be
/// a symlink, hostile hardlink and symlink targets. Each must be refused with a message, and nothing
/// may appear outside the destination.
/// </summary>
public sealed class HostileRepositoryTests : IDisposable
{
    private readonly TempDirectory _scratch = new("restore-hostile");
    private readonly List<string> _errors = [];

    public HostileRepositoryTests() => Directory.CreateDirectory(Outside);

    private string RepoPath => Path.Combine(_scratch.Path, "repo");

    private string Dest => Path.Combine(_scratch.Path, "dest");

    private string Outside => Path.Combine(_scratch.Path, "outside");

    [Fact]
    public void TreeEntriesNamedDotDotAreRefused()
    {
        using (var s = new SyntheticRepository(RepoPath))
        {
            var inner = s.Tree(new TreeEntry(GitFileMode.Regular, "escaped"u8.ToArray(), s.Blob("pwned")));
            var middle = s.RawTree(new TreeEntry(GitFileMode.Tree, ".."u8.ToArray(), inner));
            var sub = s.RawTree(new TreeEntry(GitFileMode.Tree, ".."u8.ToArray(), middle));
            s.Save("b", RootWith(s, ("sub", sub)));
        }

        var summary = Restore("/b/latest/");

        Assert.Contains(_errors, e => e.Contains("sub") && e.Contains("unsafe tree entry name '..'"));
        Assert.True(summary.Errors > 0);
        Assert.True(File.Exists(Path.Combine(Dest, "ok")));
        Assert.False(Directory.Exists(Path.Combine(Dest, "sub")), "an unreadable tree must leave nothing behind");
        AssertNothingOutside();
    }

    [Theory]
    [InlineData("../../escaped")]
    [InlineData("x/../../../escaped")]
    [InlineData("/tmp/escaped-absolute")]
    public void TreeEntriesWithSlashesAreRefused(string name)
    {
        using (var s = new SyntheticRepository(RepoPath))
        {
            var sub = s.RawTree(new TreeEntry(GitFileMode.Regular, Encoding.UTF8.GetBytes(name), s.Blob("pwned")));
            s.Save("b", RootWith(s, ("sub", sub)));
        }

        Restore("/b/latest/");

        Assert.Contains(_errors, e => e.Contains("unsafe tree entry name"));
        Assert.False(File.Exists("/tmp/escaped-absolute"));
        AssertNothingOutside();
    }

    [Theory]
    [InlineData("..bupl")]
    [InlineData(".bupl")]
    [InlineData("...bupm")]
    public void NamesThatDemangleToUnsafeNamesAreRefused(string name)
    {
        using (var s = new SyntheticRepository(RepoPath))
        {
            var escaped = s.Tree(new TreeEntry(GitFileMode.Regular, "escaped"u8.ToArray(), s.Blob("pwned")));
            var inner = s.Tree(new TreeEntry(GitFileMode.Tree, Encoding.UTF8.GetBytes(name), escaped));
            var sub = s.Tree(new TreeEntry(GitFileMode.Tree, "in"u8.ToArray(), inner));
            s.Save("b", RootWith(s, ("sub", sub)));
        }

        var summary = Restore("/b/latest/");

        Assert.Contains(_errors, e => e.Contains($"'{name}'") && e.Contains("no directory can hold"));
        Assert.True(summary.Errors > 0);
        Assert.False(File.Exists(Path.Combine(Dest, "sub", "escaped")));
        Assert.False(File.Exists(Path.Combine(Dest, "escaped")));
        AssertNothingOutside();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ASymlinkAndADirectoryOfTheSameNameCannotWriteThroughTheLink(bool absolute)
    {
        var target = absolute ? Outside : "../outside";
        using (var s = new SyntheticRepository(RepoPath))
        {
            var dir = s.Tree(s.Bupm(SyntheticRepository.Directory(), ("pwned", SyntheticRepository.File(5))), Regular("pwned", s.Blob("pwned")));
            var root = s.Tree(
                s.Bupm(SyntheticRepository.Directory(), ("a", SyntheticRepository.Symlink(target))),
                new TreeEntry(GitFileMode.Symlink, "a"u8.ToArray(), s.Blob(target)),
                new TreeEntry(GitFileMode.Tree, "a.bupl"u8.ToArray(), dir));
            s.Save("b", root);
        }

        var summary = Restore("/b/latest/");

        Assert.Contains(_errors, e => e.Contains("a second entry named 'a' is hidden"));
        Assert.True(summary.Errors > 0);
        AssertNothingOutside();
    }

    [Theory]
    [InlineData(0xA1FFu)] // a symlink: entries below would land where it points
    [InlineData(0x81A4u)] // a regular file
    public void ADirectoryWhoseRecordClaimsAnotherTypeIsRefused(uint mode)
    {
        using (var s = new SyntheticRepository(RepoPath))
        {
            var record = SyntheticRepository.Record(mode, symlinkTarget: Encoding.UTF8.GetBytes(Outside));
            var dir = s.Tree(s.Bupm(record, ("pwned", SyntheticRepository.File(5))), Regular("pwned", s.Blob("pwned")));
            s.Save("b", RootWith(s, ("d", dir)));
        }

        Restore("/b/latest/");

        Assert.Contains(_errors, e => e.StartsWith("d: refusing a Directory whose metadata record has mode " + Convert.ToString(mode, 8), StringComparison.Ordinal));
        Assert.False(Path.Exists(Path.Combine(Dest, "d")));
        Assert.True(File.Exists(Path.Combine(Dest, "ok")));
        AssertNothingOutside();
    }

    [Fact]
    public void AHardlinkTargetNamingAFileOutsideIsOnlyAGroupKey()
    {
        var victim = Path.Combine(Outside, "victim");
        File.WriteAllText(victim, "original");
        using (var s = new SyntheticRepository(RepoPath))
        {
            var key = Encoding.UTF8.GetBytes(victim);
            var blob = s.Blob("evil");
            var root = s.Tree(
                s.Bupm(SyntheticRepository.Directory(), ("h1", SyntheticRepository.File(4, key)), ("h2", SyntheticRepository.File(4, key))),
                Regular("h1", blob),
                Regular("h2", blob));
            s.Save("b", root);
        }

        var summary = Restore("/b/latest/");

        Assert.Equal(0, summary.Errors);
        Assert.Equal("original", File.ReadAllText(victim));
        Assert.Equal(1, LinkCount(victim));
        Assert.Equal("evil", File.ReadAllText(Path.Combine(Dest, "h1")));
        Assert.Equal(2, LinkCount(Path.Combine(Dest, "h2")));
    }

    [Fact]
    public void ASymlinkTargetWithNulIsRefused()
    {
        using (var s = new SyntheticRepository(RepoPath))
        {
            const string target = "x\0/../../outside";
            var root = s.Tree(
                s.Bupm(SyntheticRepository.Directory(), ("s", SyntheticRepository.Symlink(target))),
                new TreeEntry(GitFileMode.Symlink, "s"u8.ToArray(), s.Blob(target)));
            s.Save("b", root);
        }

        var summary = Restore("/b/latest/");

        Assert.Contains(_errors, e => e.StartsWith("s: ", StringComparison.Ordinal) && e.Contains("not a usable path"));
        Assert.Equal(1, summary.Errors);
        Assert.False(Path.Exists(Path.Combine(Dest, "s")));
    }

    [Fact]
    public void ALaterPathReplacesAnEarlierSymlinkRatherThanFollowingIt()
    {
        using (var s = new SyntheticRepository(RepoPath))
        {
            var d1 = s.Tree(
                s.Bupm(SyntheticRepository.Directory(), ("a", SyntheticRepository.Symlink(Outside))),
                new TreeEntry(GitFileMode.Symlink, "a"u8.ToArray(), s.Blob(Outside)));
            var a = s.Tree(s.Bupm(SyntheticRepository.Directory(), ("pwned", SyntheticRepository.File(5))), Regular("pwned", s.Blob("pwned")));
            var d2 = s.Tree(s.Bupm(SyntheticRepository.Directory()), new TreeEntry(GitFileMode.Tree, "a"u8.ToArray(), a));
            s.Save("b", RootWith(s, ("d1", d1), ("d2", d2)));
        }

        var summary = Restore("/b/latest/d1/a", "/b/latest/d2/a");

        Assert.Equal(0, summary.Errors);
        Assert.True(File.Exists(Path.Combine(Dest, "a", "pwned")));
        Assert.Equal(FileAttributes.Directory, File.GetAttributes(Path.Combine(Dest, "a")) & (FileAttributes.Directory | FileAttributes.ReparsePoint));
        AssertNothingOutside();
    }

    [Fact]
    public void TreesNestedBeyondAnyRealPathAreRefusedWithoutExhaustingTheStack()
    {
        using (var s = new SyntheticRepository(RepoPath))
        {
            var tree = s.Tree(Regular("bottom", s.Blob("x")));
            for (var i = 0; i < 2200; i++)
            {
                tree = s.Tree(new TreeEntry(GitFileMode.Tree, "d"u8.ToArray(), tree));
            }

            s.Save("b", tree);
        }

        using var repository = Repository.Open(RepoPath);
        using var restorer = new Restorer(repository, new RestoreOptions { Error = _errors.Add });
        var summary = restorer.WriteTar(Stream.Null, [Encoding.UTF8.GetBytes("/b/latest/")]);

        Assert.Contains(_errors, e => e.Contains("refusing directories nested more than"));
        Assert.True(summary.Errors > 0);
    }

    public void Dispose() => _scratch.Dispose();

    private static TreeEntry Regular(string name, ObjectId blob) => new(GitFileMode.Regular, Encoding.UTF8.GetBytes(name), blob);

    // A root with a .bupm, a file "ok" and the given subtrees (their own records come from their trees).
    private static ObjectId RootWith(SyntheticRepository s, params (string Name, ObjectId Tree)[] subtrees) =>
        s.Tree([
            s.Bupm(SyntheticRepository.Directory(), ("ok", SyntheticRepository.File(2))),
            Regular("ok", s.Blob("ok")),
            .. subtrees.Select(t => new TreeEntry(GitFileMode.Tree, Encoding.UTF8.GetBytes(t.Name), t.Tree)),
        ]);

    private RestoreSummary Restore(params string[] paths)
    {
        using var repository = Repository.Open(RepoPath);
        using var restorer = new Restorer(repository, new RestoreOptions { Error = _errors.Add });
        return restorer.RestoreTo(Encoding.UTF8.GetBytes(Dest), paths.Select(Encoding.UTF8.GetBytes));
    }

    private void AssertNothingOutside()
    {
        var top = Directory.GetFileSystemEntries(_scratch.Path).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["dest", "outside", "repo"], top);
        Assert.Empty(Directory.GetFileSystemEntries(Outside));
        Assert.False(Path.Exists("/tmp/escaped"));
    }

    private static long LinkCount(string path) => Mono.Unix.Native.Syscall.lstat(path, out var stat) == 0 ? (long)stat.st_nlink : -1;
}
