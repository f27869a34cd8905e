using Mono.Unix.Native;
using Mount.Tests.Support;

namespace Mount.Tests;

/// <summary>
/// Damaged saves are never hidden and never stood in for (docs/DESIGN.md, the virtual filesystem):
/// <c>latest</c> is the branch's tip or an error naming the branch and the commit or tree; a branch
/// lists every save it can find and says which it cannot read or find; a damaged .bupm is a
/// warning. Every command exits non-zero and leaves the repository's files as they were.
/// </summary>
public sealed class DamagedSaveTests : IDisposable
{
    // Three saves of f.txt: "v1\n" .. "v3\n", named in UTC after their dates.
    private static readonly string[] SaveNames = ["2023-11-14-221500", "2023-11-14-221640", "2023-11-14-221820"];

    private readonly BupRepository _repo;
    private readonly string[] _commits; // oldest first

    public DamagedSaveTests()
    {
        _repo = BupRepository.Create();
        string source = _repo.Path("src");
        Directory.CreateDirectory(source);
        for (int i = 1; i <= 3; i++)
        {
            File.WriteAllText(Path.Join(source, "f.txt"), $"v{i}\n");
            _repo.Save("main", source, date: 1_700_000_000 + (i * 100));
        }

        _commits = _repo.Git("rev-list", "--reverse", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private string Tip => _commits[2];

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void ADamagedTipCommitFailsLatestNamingItWhileTheBranchShowsTheSavesBeforeIt()
    {
        ObjectDamage.CorruptPacked(_repo, Tip);
        string problem = $"branch main: tip commit {Tip} cannot be read: ";
        var before = RepositoryFiles.Snapshot(_repo.GitDir);

        // The saves before the tip are found through the branch's reflog; latest is not one of them.
        AssertBranchListing([SaveNames[0], SaveNames[1]], problem, _commits[1]);
        AssertOneLineFailure(_repo.Bupfs("ls", "main/latest"), $"bupfs ls: error: cannot access 'main/latest': {problem}");
        AssertOneLineFailure(_repo.Bupfs("cat-file", "/main/latest/f.txt"), $"bupfs: error: {problem}");
        AssertRestoreFails("main/latest/", $"error: cannot access 'main/latest/': {problem}");
        using (CliMount mount = CliMount.Start(_repo))
        {
            Assert.Equal([SaveNames[0], SaveNames[1], "latest"], Directory.GetFileSystemEntries(mount["main"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(Errno.EIO, SysCalls.LStat(mount["main/latest/f.txt"]));
            Assert.Equal(Errno.EIO, SysCalls.LStat(mount["main/latest"]));
            Assert.Equal("v2\n", File.ReadAllText(mount[$"main/{SaveNames[1]}/f.txt"]));
        }

        Assert.Equal(before, RepositoryFiles.Snapshot(_repo.GitDir));
    }

    [Fact]
    public void ADamagedTipCommitWithoutAReflogFailsTheBranchNamingIt()
    {
        ObjectDamage.CorruptPacked(_repo, Tip);
        File.Delete(Path.Join(_repo.GitDir, "logs", "refs", "heads", "main"));
        string problem = $"branch main: tip commit {Tip} cannot be read: ";
        var before = RepositoryFiles.Snapshot(_repo.GitDir);

        AssertOneLineFailure(_repo.Bupfs("ls", "main"), $"bupfs ls: error: cannot list 'main': {problem}");
        AssertOneLineFailure(_repo.Bupfs("ls", "main/latest"), $"bupfs ls: error: cannot access 'main/latest': {problem}");
        AssertRestoreFails("main/latest/", $"error: cannot access 'main/latest/': {problem}");
        using (CliMount mount = CliMount.Start(_repo))
        {
            Assert.Equal(Errno.EIO, SysCalls.LStat(mount["main/latest/f.txt"]));
        }

        Assert.Equal(before, RepositoryFiles.Snapshot(_repo.GitDir));
    }

    [Fact]
    public void ABranchPointingAtAMissingCommitFailsLatestNamingIt()
    {
        const string missing = "1111111111111111111111111111111111111111";
        File.WriteAllText(Path.Join(_repo.GitDir, "refs", "heads", "main"), missing + "\n"); // git update-ref refuses a missing object
        string problem = $"branch main: tip commit {missing} cannot be read: missing object {missing}";
        var before = RepositoryFiles.Snapshot(_repo.GitDir);

        // The reflog still names the real last save: every save is shown, and latest fails all the same.
        AssertBranchListing(SaveNames, problem, Tip);
        AssertOneLineFailure(_repo.Bupfs("ls", "main/latest"), $"bupfs ls: error: cannot access 'main/latest': {problem}");
        AssertRestoreFails("main/latest/", $"error: cannot access 'main/latest/': {problem}");
        Assert.Equal(before, RepositoryFiles.Snapshot(_repo.GitDir));
    }

    [Fact]
    public void ADamagedTipTreeFailsLatestWhileTheBranchListsEverySave()
    {
        string tree = _repo.Git("rev-parse", Tip + "^{tree}").Trim();
        ObjectDamage.CorruptPacked(_repo, tree);
        string problem = $"branch main, save {SaveNames[2]}: tree {tree} of commit {Tip} cannot be read: ";
        var before = RepositoryFiles.Snapshot(_repo.GitDir);

        ProcessResult listing = _repo.Bupfs("ls", "main");
        Assert.Equal(1, listing.ExitCode);
        Assert.Equal(string.Join('\n', [.. SaveNames, "latest", ""]), listing.Stdout);
        Assert.StartsWith($"bupfs ls: warning: '{SaveNames[2]}' is listed but cannot be read: {problem}", listing.Stderr);
        ProcessResult longListing = _repo.Bupfs("ls", "-l", "main");
        Assert.Equal(1, longListing.ExitCode);
        Assert.Contains($"drwxr-xr-x ?/?                   0 1970-01-01 00:00 {SaveNames[2]}\n", longListing.Stdout);
        Assert.Contains($"bupfs ls: warning: /main/{SaveNames[2]}: cannot be read: {problem}", longListing.Stderr);
        AssertOneLineFailure(_repo.Bupfs("ls", "main/latest"), $"bupfs ls: error: cannot access 'main/latest': {problem}");
        AssertOneLineFailure(_repo.Bupfs("cat-file", "/main/latest/f.txt"), $"bupfs: error: {problem}");
        AssertRestoreFails("main/latest/", $"error: cannot access 'main/latest/': {problem}");
        string log = WithForegroundMount(mount =>
        {
            Assert.Equal([.. SaveNames, "latest"], Directory.GetFileSystemEntries(mount["main"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(Errno.EIO, SysCalls.LStat(mount["main/latest/f.txt"]));
            Assert.Equal(Errno.EIO, SysCalls.LStat(mount[$"main/{SaveNames[2]}/f.txt"]));
            Assert.Equal("v2\n", File.ReadAllText(mount[$"main/{SaveNames[1]}/f.txt"]));
        });
        Assert.Contains($"bupfs: '{SaveNames[2]}' is listed but cannot be read: {problem}", log);
        Assert.Equal(before, RepositoryFiles.Snapshot(_repo.GitDir));
    }

    [Fact]
    public void ADamagedMiddleCommitIsReportedAsHidingOlderSaves()
    {
        ObjectDamage.CorruptPacked(_repo, _commits[1]);
        var before = RepositoryFiles.Snapshot(_repo.GitDir);

        ProcessResult listing = _repo.Bupfs("ls", "main");
        Assert.Equal(1, listing.ExitCode);
        Assert.Equal($"{SaveNames[2]}\nlatest\n", listing.Stdout);
        string warning = Assert.Single(listing.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"bupfs ls: warning: branch main: commit {_commits[1]} cannot be read (", warning);
        Assert.EndsWith("); saves older than it may be hidden", warning);
        string log = WithForegroundMount(mount =>
        {
            Assert.Equal([SaveNames[2], "latest"], Directory.GetFileSystemEntries(mount["main"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal("v3\n", File.ReadAllText(mount["main/latest/f.txt"])); // the tip itself is whole
        });
        Assert.Contains("bupfs: " + warning["bupfs ls: warning: ".Length..], log);
        Assert.Equal(before, RepositoryFiles.Snapshot(_repo.GitDir));
    }

    [Fact]
    public void ADamagedBupmIsAWarningOfLsAndRestore()
    {
        string bupm = _repo.Git("rev-parse", "main:.bupm").Trim();
        string tree = _repo.Git("rev-parse", "main^{tree}").Trim();
        ObjectDamage.CorruptPacked(_repo, bupm);
        AssertBupmWarned($"branch main, save {SaveNames[2]}, directory /: .bupm {bupm} of tree {tree}: ", "; using default metadata");
    }

    [Fact]
    public void ABupmWithTooFewRecordsIsAWarningOfLsAndRestore()
    {
        // The tip's tree plus one entry its .bupm has no record for, committed as a new tip.
        string blob = Processes.Execute("sh", ["-c", "printf 'extra\\n' | git --git-dir \"$0\" hash-object -w --stdin", _repo.GitDir]).Succeeded("hash-object").Trim();
        string entries = _repo.Git("ls-tree", "main^{tree}") + $"100644 blob {blob}\tzz-extra.txt\n";
        string tree = Processes.Execute("sh", ["-c", "printf '%s' \"$1\" | git --git-dir \"$0\" mktree", _repo.GitDir, entries]).Succeeded("mktree").Trim();
        string commit = _repo.Git("commit-tree", tree, "-p", Tip, "-m", "extra").Trim();
        _repo.Git("update-ref", "refs/heads/main", commit, Tip);
        string bupm = _repo.Git("rev-parse", "main:.bupm").Trim();
        AssertBupmWarned($"directory /: .bupm {bupm} of tree {tree}: .bupm holds 2 metadata objects but the tree needs 3; ", "");
    }

    private void AssertBupmWarned(string prefix, string suffix)
    {
        var before = RepositoryFiles.Snapshot(_repo.GitDir);
        ProcessResult listing = _repo.Bupfs("ls", "-l", "main/latest");
        Assert.Equal(1, listing.ExitCode);
        Assert.Contains("f.txt\n", listing.Stdout);
        string warning = Assert.Single(listing.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(prefix, warning);
        Assert.StartsWith("bupfs ls: warning: branch main, save ", warning);
        Assert.EndsWith(suffix, warning);

        string destination = _repo.Path("restored");
        ProcessResult restore = _repo.Bupfs("restore", "-C", destination, "main/latest/");
        Assert.Equal(1, restore.ExitCode);
        string[] lines = restore.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: repository: branch main, save ", lines[0]);
        Assert.Contains(prefix, lines[0]);
        Assert.Equal("warning: 1 errors encountered", lines[1]);
        Assert.Equal("v3\n", File.ReadAllText(Path.Join(destination, "f.txt"))); // content is whole; only metadata was lost

        // The mount serves defaults and logs the same warning.
        string log = WithForegroundMount(mount => Assert.Equal("v3\n", File.ReadAllText(mount["main/latest/f.txt"])));
        Assert.Contains("bupfs: " + warning["bupfs ls: warning: ".Length..], log);
        Assert.Equal(before, RepositoryFiles.Snapshot(_repo.GitDir));
    }

    // Runs `bupfs mount -f` for <paramref name="use"/>; returns what the mount logged.
    private string WithForegroundMount(Action<CliMount> use)
    {
        CliMount mount = CliMount.StartForeground(_repo, keepLog: true);
        try
        {
            use(mount);
        }
        finally
        {
            mount.Dispose();
        }

        return mount.ChildOutput ?? "";
    }

    // `ls main` shows <paramref name="saves"/> and latest, warns that the tip cannot be read and
    // whose saves are shown, and exits 1.
    private void AssertBranchListing(string[] saves, string problem, string shownFrom)
    {
        ProcessResult listing = _repo.Bupfs("ls", "main");
        Assert.Equal(1, listing.ExitCode);
        Assert.Equal(string.Join('\n', [.. saves, "latest", ""]), listing.Stdout);
        string[] warnings = listing.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"bupfs ls: warning: {problem}", warnings[0]);
        Assert.EndsWith($"; latest fails, and the saves shown are those of {shownFrom}, an earlier value of the branch in its reflog (newer saves may be missing)", warnings[0]);
        Assert.Equal(2, warnings.Length);
        Assert.StartsWith($"bupfs ls: warning: 'latest' is listed but cannot be read: {problem}", warnings[1]);
    }

    private void AssertRestoreFails(string path, string expectedStart)
    {
        string destination = _repo.Path("restored-" + Guid.NewGuid().ToString("N")[..8]);
        ProcessResult restore = _repo.Bupfs("restore", "-C", destination, path);
        Assert.Equal(1, restore.ExitCode);
        string[] lines = restore.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(expectedStart, lines[0]);
        Assert.Equal("warning: 1 errors encountered", lines[1]);
        Assert.Empty(Directory.GetFileSystemEntries(destination)); // no older save stood in for the tip
    }

    private static void AssertOneLineFailure(ProcessResult result, string expectedStart)
    {
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith(expectedStart, Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
