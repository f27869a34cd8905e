using System.Text;
using BupBackup.Restore;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using Mono.Unix.Native;

namespace BupBackup.Tests.Restore;

/// <summary>Owners, an existing destination, entries without metadata and damaged content, on synthetic saves.</summary>
public sealed class RestoreBehaviourTests : IDisposable
{
    private readonly SyntheticRestore _restore = new("restore-behaviour");

    private string RepoPath => _restore.RepoPath;

    private string Dest => _restore.Dest;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RecordedNamesWinOverRecordedIdsUnlessNumericIds(bool numericIds)
    {
        SkipUnlessRoot();
        var (nobody, nogroup) = (Getpwnam("nobody"), Getgrnam("nogroup"));
        var record = SyntheticRepository.File(1);
        (record.Uid, record.Gid, record.User, record.Group) = (4242, 4343, "nobody"u8.ToArray(), "nogroup"u8.ToArray());
        SaveRoot(s => s.Tree(s.Bupm(SyntheticRepository.Directory(), ("f", record)), Regular("f", s.Blob("x"))));

        Restore(new RestoreOptions { NumericIds = numericIds, RestoreOwners = true }, "/b/latest/");

        var stat = LStat("f");
        Assert.Equal(numericIds ? (4242u, 4343u) : (nobody, nogroup), (stat.st_uid, stat.st_gid));
    }

    [Fact]
    public void WithoutRestoreOwnersTheOwnerIsTheRestorer()
    {
        var record = SyntheticRepository.File(1);
        (record.Uid, record.Gid) = (4242, 4343);
        SaveRoot(s => s.Tree(s.Bupm(SyntheticRepository.Directory(), ("f", record)), Regular("f", s.Blob("x"))));

        Restore(new RestoreOptions { RestoreOwners = false }, "/b/latest/");

        Assert.Equal(Syscall.geteuid(), LStat("f").st_uid);
        Assert.Empty(_restore.Errors);
    }

    [Fact]
    public void ExistingEntriesAreReplacedButNonEmptyDirectoriesAreRefused()
    {
        var outside = Path.Combine(_restore.Root, "outside");
        File.WriteAllText(outside, "keep");
        Directory.CreateDirectory(Path.Combine(Dest, "full"));
        File.WriteAllText(Path.Combine(Dest, "full", "old"), "old");
        Directory.CreateDirectory(Path.Combine(Dest, "empty"));
        File.WriteAllText(Path.Combine(Dest, "file"), "old");
        File.CreateSymbolicLink(Path.Combine(Dest, "link"), outside);
        SaveRoot(s => s.Tree(
            s.Bupm(SyntheticRepository.Directory(), ("empty", SyntheticRepository.File(3)), ("file", SyntheticRepository.File(3)), ("full", SyntheticRepository.File(3)), ("link", SyntheticRepository.File(3))),
            Regular("empty", s.Blob("new")),
            Regular("file", s.Blob("new")),
            Regular("full", s.Blob("new")),
            Regular("link", s.Blob("new"))));

        var summary = Restore(new RestoreOptions(), "/b/latest/");

        Assert.Equal(1, summary.Errors);
        Assert.Contains(_restore.Errors, e => e.StartsWith("full: refusing to overwrite non-empty dir", StringComparison.Ordinal));
        Assert.Equal("old", File.ReadAllText(Path.Combine(Dest, "full", "old")));
        Assert.All(["empty", "file", "link"], name => Assert.Equal("new", File.ReadAllText(Path.Combine(Dest, name))));
        Assert.Equal("keep", File.ReadAllText(outside));
    }

    [Fact]
    public void EntriesWithoutMetadataGetBupsDefaults()
    {
        SaveRoot(s => s.Tree(
            Regular("plain", s.Blob("data")),
            new TreeEntry(GitFileMode.Symlink, "link"u8.ToArray(), s.Blob("plain")),
            new TreeEntry(GitFileMode.Tree, "dir"u8.ToArray(), s.Tree(Regular("inner", s.Blob("x"))))));

        var summary = Restore(new RestoreOptions(), "/b/latest/");

        Assert.Equal(0, summary.Errors);
        Assert.Equal("data", File.ReadAllText(Path.Combine(Dest, "plain")));
        Assert.Equal("644", Convert.ToString((uint)LStat("plain").st_mode & 0xFFF, 8));
        Assert.Equal("plain", Mono.Unix.UnixPath.ReadLink(Path.Combine(Dest, "link")));
        Assert.Equal("755", Convert.ToString((uint)LStat("dir").st_mode & 0xFFF, 8));
        Assert.Equal("x", File.ReadAllText(Path.Combine(Dest, "dir", "inner")));
    }

    [Fact]
    public void AMissingObjectFailsOnlyItsFile()
    {
        var missing = ObjectId.Parse("0123456789abcdef0123456789abcdef01234567");
        SaveRoot(s => s.Tree(
            s.Bupm(SyntheticRepository.Directory(), ("bad", SyntheticRepository.File(3)), ("good", SyntheticRepository.File(3))),
            Regular("bad", missing),
            Regular("good", s.Blob("yes"))));

        var summary = Restore(new RestoreOptions(), "/b/latest/");

        Assert.Equal(1, summary.Errors);
        Assert.Contains(_restore.Errors, e => e.StartsWith("bad: ", StringComparison.Ordinal) && e.Contains(missing.ToString()));
        Assert.Equal("yes", File.ReadAllText(Path.Combine(Dest, "good")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void ManyFilesInDeepDirectoriesKeepEveryDirectoryTime(int workers)
    {
        SaveRoot(s =>
        {
            var leaf = s.Tree([
                s.Bupm(SyntheticRepository.Directory(), [.. Enumerable.Range(0, 50).Select(i => ($"f{i:D2}", SyntheticRepository.File(2)))]),
                .. Enumerable.Range(0, 50).Select(i => Regular($"f{i:D2}", s.Blob($"{i:D2}"))),
            ]);
            var tree = leaf;
            for (var depth = 0; depth < 5; depth++)
            {
                tree = s.Tree(s.Bupm(SyntheticRepository.Directory()), new TreeEntry(GitFileMode.Tree, "d"u8.ToArray(), tree), new TreeEntry(GitFileMode.Tree, "e"u8.ToArray(), leaf));
            }

            return tree;
        });

        var summary = Restore(new RestoreOptions { Workers = workers }, "/b/latest/.");

        Assert.Equal(0, summary.Errors);
        var expected = SyntheticRepository.Directory().Mtime;
        foreach (var dir in Directory.EnumerateDirectories(Dest, "*", SearchOption.AllDirectories).Append(Dest))
        {
            Assert.True(Syscall.lstat(dir, out var stat) == 0);
            Assert.Equal((expected.Seconds, (long)expected.Nanoseconds), (stat.st_mtime, stat.st_mtime_nsec));
        }

        Assert.Equal(50 * 6, Directory.EnumerateFiles(Dest, "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public void ADirectoryWithMoreEntriesThanTheViewKeepsIdleIsRestoredWhole()
    {
        const int count = 6000;
        SaveRoot(s => s.Tree([
            s.Bupm(SyntheticRepository.Directory(), [.. Enumerable.Range(0, count).Select(i => ($"f{i:D5}", SyntheticRepository.File(5)))]),
            .. Enumerable.Range(0, count).Select(i => Regular($"f{i:D5}", s.Blob($"{i:D5}"))),
        ]));

        var summary = Restore(new RestoreOptions(), "/b/latest/");

        Assert.Equal((count, 0), (summary.Restored, summary.Errors));
        Assert.Equal("04321", File.ReadAllText(Path.Combine(Dest, "f04321")));
        Assert.Equal(count, Directory.EnumerateFiles(Dest).Count());
    }

    [Fact]
    public void AFailingTarOutputAbortsTheRestore()
    {
        SaveRoot(s => s.Tree(s.Bupm(SyntheticRepository.Directory(), ("f", SyntheticRepository.File(4))), Regular("f", s.Blob("data"))));
        using var repository = Repository.Open(RepoPath);
        using var restorer = new Restorer(repository, new RestoreOptions { Error = _restore.Errors.Add });

        var e = Assert.Throws<RestoreAbortedException>(() => restorer.WriteTar(new BrokenStream(), [Encoding.UTF8.GetBytes("/b/latest/")]));

        Assert.Contains("writing the tar stream failed", e.Message);
    }

    public void Dispose() => _restore.Dispose();

    private static TreeEntry Regular(string name, ObjectId blob) => new(GitFileMode.Regular, Encoding.UTF8.GetBytes(name), blob);

    private static void SkipUnlessRoot()
    {
        if (Syscall.geteuid() != 0)
        {
            Assert.Skip("setting owners needs root");
        }
    }

    private static uint Getpwnam(string name) => Syscall.getpwnam(name)?.pw_uid ?? throw new InvalidOperationException($"no user {name}");

    private static uint Getgrnam(string name) => Syscall.getgrnam(name)?.gr_gid ?? throw new InvalidOperationException($"no group {name}");

    private void SaveRoot(Func<SyntheticRepository, ObjectId> build) => _restore.SaveRoot(build);

    private RestoreSummary Restore(RestoreOptions options, params string[] paths) => _restore.Restore(options, paths);

    private sealed class BrokenStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("Broken pipe");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
    }

    private Stat LStat(string relative) =>
        Syscall.lstat(Path.Combine(Dest, relative), out var stat) == 0 ? stat : throw new IOException($"lstat {relative}");
}
