using System.Text;
using BupStore.Formats;
using Compat.Tests.Support;

namespace Compat.Tests;

/// <summary>
/// bupfs fsck on clean repositories made by bup and bupfs, and on repositories damaged one way each:
/// the exact problem lines, exit status 1, no file of the repository changed, and what git fsck
/// --strict --full says of the same repository.
/// </summary>
public sealed class FsckCompatTests
{
    private const string Save = "main/" + FsckRepo.SaveName;

    [Fact]
    public void BupSaveIsCleanAndGitAgrees()
    {
        using var t = new FsckRepo();
        t.BupSave();
        t.Tool.Bup("split", "-q", "-n", "split", "-d", FsckRepo.SaveDate, Path.Combine(t.Source, "big.bin"));
        Assert.NotEmpty(t.Git("ls-tree", "main", "big.bin.bup"));
        AssertClean(t);
    }

    [Fact]
    public void BupfsSaveIsCleanAndGitAgrees()
    {
        using var t = new FsckRepo();
        t.BupfsSave();
        Assert.NotEmpty(t.Git("ls-tree", "main", "big.bin.bup"));
        AssertClean(t);
    }

    [Fact]
    public void BupAndBupfsSavesOfTheSampleTreeAreClean()
    {
        // Every kind of file bup saves (symlinks, hardlinks, fifo, socket, devices, odd names), saved
        // with absolute paths so the save also holds the folders above the source.
        using var t = new FsckRepo();
        TestSupport.SampleTree.Create(t.Source, TestSupport.SampleTreeOptions.Small with { Devices = true, Socket = true });
        t.Tool.Bup("init");
        t.Tool.Bup("index", t.Source);
        t.Tool.Bup("save", "-q", "-n", "bup", t.Source);
        t.Tool.Bupfs("index", t.Source);
        t.Tool.Bupfs("save", "-q", "-n", "bupfs", t.Source);
        AssertClean(t);
    }

    [Fact]
    public void GarbageRef()
    {
        using var t = new FsckRepo();
        t.BupSave();
        File.WriteAllText(Path.Combine(t.Repo, "refs", "heads", "bad"), "garbage\n");
        AssertDamaged(t, gitFails: true, "ref refs/heads/bad: malformed content (not an object id)");
    }

    [Fact]
    public void GarbageInPackedRefsAndHead()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var commit = t.Git("rev-parse", "main");
        File.WriteAllText(Path.Combine(t.Repo, "packed-refs"), $"# pack-refs with: peeled fully-peeled sorted \n{commit} refs/heads/packed\nnot a ref line\n");
        File.WriteAllText(Path.Combine(t.Repo, "HEAD"), "garbage\n");
        AssertDamaged(t, gitFails: true, "packed-refs line 3: malformed", "HEAD: neither a symbolic ref nor an object id");
    }

    [Fact]
    public void RefNamingABlob()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var blob = t.Git("rev-parse", "main:dir/a.txt");
        File.WriteAllText(Path.Combine(t.Repo, "refs", "heads", "blob"), blob + "\n"); // git update-ref refuses
        AssertDamaged(t, gitFails: true, $"ref refs/heads/blob: names a blob {blob}, not a commit");
    }

    [Fact]
    public void DeletedIdx()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var commit = t.Git("rev-parse", "main");
        var idx = Directory.GetFiles(t.PackDir, "*.idx").Single();
        File.Delete(idx);
        AssertDamaged(t, gitFails: true,
            $"{Path.ChangeExtension(idx, ".pack")}: pack without idx (its objects cannot be found)",
            $"ref refs/heads/main: names missing object {commit}");
    }

    [Fact]
    public void UnsortedTree()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var blob = t.Git("rev-parse", "main:dir/a.txt");
        var tree = t.WriteObject("tree", FsckRepo.TreeBody(("100644", "b", blob), ("100644", "a", blob)));
        t.CommitOnBranch("bad", tree);
        AssertDamaged(t, gitFails: true, $"tree {tree}: not properly sorted: bad/{FsckRepo.SaveName}/");
    }

    [Fact]
    public void TreeWithBadNamesAndModes()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var blob = t.Git("rev-parse", "main:dir/a.txt");
        var tree = t.WriteObject("tree", FsckRepo.TreeBody(("100664", "..", blob), ("100644", "a/b", blob)));
        t.CommitOnBranch("bad", tree);
        var at = $": bad/{FsckRepo.SaveName}/";
        AssertDamaged(t, gitFails: true, $"tree {tree}: contains bad file modes{at}", $"tree {tree}: contains '..'{at}", $"tree {tree}: contains full pathnames{at}");
    }

    [Fact]
    public void MalformedCommit()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var tree = t.Git("rev-parse", "main^{tree}");
        var commit = t.CommitOnBranch("bad", tree, $"A U Thor <a@example.com> 0{FsckRepo.SaveDate} +0000");
        AssertDamaged(t, gitFails: true, $"commit {commit}: invalid author/committer line - zero-padded date: bad/{FsckRepo.SaveName}");
    }

    [Fact]
    public void MissingChunk()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var chunk = t.Git("ls-tree", "-r", "main:big.bin.bup").Split('\n')[1].Split(' ', '\t')[2];
        RepackWithout(t, chunk);
        AssertDamaged(t, gitFails: true, $"missing blob {chunk}: {Save}/big.bin");
    }

    [Fact]
    public void MissingChunkIsReportedInEverySaveThatHoldsItThroughTheApi()
    {
        using var t = new FsckRepo();
        t.BupSave();
        File.AppendAllText(Path.Combine(t.Source, "dir", "a.txt"), "more\n");
        t.Tool.Bup("index", t.Source);
        t.Tool.Bup("save", "-q", "-n", "main", "-d", "1700003600", "--strip", t.Source);
        var chunk = t.Git("ls-tree", "-r", "main:big.bin.bup").Split('\n')[2].Split(' ', '\t')[2];
        RepackWithout(t, chunk);

        // What repair uses: structured problems, each with the saves and paths it affects.
        using var repo = BupStore.Repository.Repository.Open(t.Repo);
        var report = BupStore.Repository.RepositoryChecker.Run(repo, new BupStore.Repository.FsckOptions());
        var problem = Assert.Single(report.Problems);
        Assert.Equal(BupStore.Repository.FsckProblemKind.MissingObject, problem.Kind);
        Assert.Equal(chunk, problem.Id.ToString());
        Assert.Equal([$"main/{FsckRepo.SaveName}/big.bin", "main/2023-11-14-231320/big.bin"], problem.AffectedPaths.Order(StringComparer.Ordinal));
        Assert.Equal(2, report.Commits);
    }

    [Fact]
    public void TreePointingAtMissingBlob()
    {
        using var t = new FsckRepo();
        t.BupSave();
        const string missing = "0123456789abcdef0123456789abcdef01234567";
        var tree = t.WriteObject("tree", FsckRepo.TreeBody(("100644", "gone.txt", missing)));
        t.CommitOnBranch("bad", tree);
        AssertDamaged(t, gitFails: true, $"missing blob {missing}: bad/{FsckRepo.SaveName}/gone.txt");
    }

    [Fact]
    public void ChunkTreeWithOffsetsThatDoNotRun()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var four = t.WriteObject("blob", "aaaa"u8.ToArray());
        var six = t.WriteObject("blob", "bbbbbb"u8.ToArray());
        var chunks = t.WriteObject("tree", FsckRepo.TreeBody(("100644", "0", four), ("100644", "5", six)));
        var root = t.WriteObject("tree", FsckRepo.TreeBody(("40000", "f.bup", chunks)));
        t.CommitOnBranch("bad", root);
        AssertDamaged(t, gitFails: false, $"chunk tree {chunks}: entry '5' starts at 5, but the entries before it end at 4: bad/{FsckRepo.SaveName}/f");
    }

    [Fact]
    public void ChunkTreeWithWrongTypeEntry()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var four = t.WriteObject("blob", "aaaa"u8.ToArray());
        var chunks = t.WriteObject("tree", FsckRepo.TreeBody(("40000", "0", four)));
        var root = t.WriteObject("tree", FsckRepo.TreeBody(("40000", "f.bup", chunks)));
        t.CommitOnBranch("bad", root);
        AssertDamaged(t, gitFails: true, $"tree {chunks}: entry '0' names a blob {four}, its mode says tree: bad/{FsckRepo.SaveName}/f");
    }

    [Fact]
    public void BupmWithAnExtraRecord()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var bupm = Encoding.Latin1.GetBytes(t.Tool.Sh("git --git-dir=\"$BUP_DIR\" cat-file blob main:dir/.bupm | base64 -w0"));
        var content = Convert.FromBase64String(Encoding.Latin1.GetString(bupm));
        var records = Bupm.ReadAll(content, "test").Count;
        var (tree, newBupm) = ReplaceBupm(t, [.. content, 0]);
        AssertDamaged(t, gitFails: false, $"tree {tree}: .bupm {newBupm} holds {records + 1} metadata records, its entries need {records}: bad/{FsckRepo.SaveName}/dir");
    }

    [Fact]
    public void BupmThatCannotBeDecoded()
    {
        using var t = new FsckRepo();
        t.BupSave();
        var (tree, newBupm) = ReplaceBupm(t, [0x02, 0x05, 0xff]);
        var (exit, lines) = t.Fsck();
        Assert.Equal(1, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith($"bupfs fsck: tree {tree}: .bupm cannot be decoded: ", line, StringComparison.Ordinal);
        Assert.EndsWith($": bad/{FsckRepo.SaveName}/dir/.bupm", line, StringComparison.Ordinal);
        Assert.Contains(newBupm, line, StringComparison.Ordinal);
        Assert.Equal(0, t.GitFsck().Exit);
    }

    [Fact]
    public void MidxLackingAnObject()
    {
        using var t = new FsckRepo();
        t.BupSave();
        File.AppendAllText(Path.Combine(t.Source, "dir", "a.txt"), "more\n");
        t.BupSave();
        t.Tool.Bup("midx", "-f");
        var midxPath = Directory.GetFiles(t.PackDir, "*.midx").Single();
        using (var midx = MultiPackIndex.Open(midxPath))
        {
            var first = midx.GetId(0);
            var owner = Directory.GetFiles(t.PackDir, "*.idx").Single(p => PackIndexContains(p, first));
            var bytes = File.ReadAllBytes(midxPath);
            bytes[12 + (4 << midx.Bits) + 19] ^= 0x01;
            midx.Dispose();
            File.WriteAllBytes(midxPath, bytes);
            AssertDamaged(t, gitFails: false, $"{midxPath}: lacks object {first} of {Path.GetFileName(owner)}");
        }
    }

    [Fact]
    public void BloomWithFalseNegatives()
    {
        using var t = new FsckRepo();
        t.BupSave();
        t.Tool.Bup("bloom", "-f");
        var bloomPath = Path.Combine(t.PackDir, "bup.bloom");
        string expected;
        using (var bloom = BloomFilter.Open(bloomPath))
        {
            var name = bloom.IdxNames[0];
            using var idx = PackIndex.Open(Path.Combine(t.PackDir, name));
            expected = $"{bloomPath}: says object {idx.GetId(0)} of {name} is absent (false negative)";
            var bytes = File.ReadAllBytes(bloomPath);
            Array.Clear(bytes, 16, 1 << bloom.Bits);
            bloom.Dispose();
            File.WriteAllBytes(bloomPath, bytes);
        }

        AssertDamaged(t, gitFails: false, expected);
    }

    [Theory]
    [InlineData("author A U Thor 1700000000 +0000", "invalid author/committer line - missing email")]
    [InlineData("author A U Thor <a@example.com> 1700000000 +00", "invalid author/committer line - bad time zone")]
    [InlineData("author A U Thor <a@example.com>1700000000 +0000", "invalid author/committer line - missing space before date")]
    [InlineData("author A U Thor<a@example.com> 1700000000 +0000", "invalid author/committer line - missing space before email")]
    [InlineData("author A <a@example.com> 1700000000 +0000\nauthor B <b@example.com> 1700000000 +0000", "invalid format - multiple 'author' lines")]
    [InlineData("committer A U Thor <a@example.com> 1700000000 +0000", "invalid format - expected 'author' line")]
    public void CommitRulesAndWordsAreGits(string people, string message)
    {
        using var t = new FsckRepo();
        t.Tool.Bup("init");
        var tree = t.WriteObject("tree", []);
        var body = $"tree {tree}\n{people}\n";
        if (!people.StartsWith("committer", StringComparison.Ordinal))
        {
            body += "committer C <c@example.com> 1700000000 +0000\n";
        }

        var commit = t.WriteObject("commit", Encoding.UTF8.GetBytes(body + "\nmessage\n"));
        t.Git("update-ref", "refs/heads/bad", commit);
        AssertSameComplaint(t, $"commit {commit}: {message}", message);
    }

    [Theory]
    [InlineData("040000", "a", "100644", "b", "contains zero-padded file modes")]
    [InlineData("100644", "a", "40000", "a", "contains duplicate file entries")]
    [InlineData("100644", "", "100644", "b", "cannot be parsed as a tree")]
    [InlineData("100644", ".", "100644", "b", "contains '.'")]
    [InlineData("100755", "b", "100644", "a", "not properly sorted")]
    public void TreeRulesAndWordsAreGits(string mode1, string name1, string mode2, string name2, string message)
    {
        using var t = new FsckRepo();
        t.Tool.Bup("init");
        var blob = t.WriteObject("blob", "x"u8.ToArray());
        var sub = t.WriteObject("tree", FsckRepo.TreeBody(("100644", "x", blob)));
        string Target(string mode) => mode.EndsWith("40000", StringComparison.Ordinal) ? sub : blob;
        var tree = t.WriteObject("tree", FsckRepo.TreeBody((mode1, name1, Target(mode1)), (mode2, name2, Target(mode2))));
        t.CommitOnBranch("bad", tree);
        AssertSameComplaint(t, $"tree {tree}: {message}", message);
    }

    // bupfs reports the object with git's words; git fsck --strict fails on it with the same words.
    private static void AssertSameComplaint(FsckRepo t, string line, string message)
    {
        var before = t.Snapshot();
        var (exit, lines) = t.Fsck();
        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l.StartsWith("bupfs fsck: " + line, StringComparison.Ordinal));
        Assert.Equal(before, t.Snapshot());
        var git = t.GitFsck();
        Assert.NotEqual(0, git.Exit);
        Assert.Contains(message, git.Output, StringComparison.Ordinal);
    }

    private static bool PackIndexContains(string idxPath, BupStore.Objects.ObjectId id)
    {
        using var idx = PackIndex.Open(idxPath);
        return idx.Contains(id);
    }

    // A copy of main's save whose dir/.bupm is replaced, committed on branch "bad".
    private static (string DirTree, string Bupm) ReplaceBupm(FsckRepo t, byte[] bupm)
    {
        var blob = t.WriteObject("blob", bupm);
        var dirListing = t.Git("ls-tree", "main:dir").Split('\n').Select(l => l.EndsWith("\t.bupm", StringComparison.Ordinal) ? $"100644 blob {blob}\t.bupm" : l);
        var dir = MkTree(t, dirListing);
        var rootListing = t.Git("ls-tree", "main").Split('\n').Select(l => l.EndsWith("\tdir", StringComparison.Ordinal) ? $"040000 tree {dir}\tdir" : l);
        t.CommitOnBranch("bad", MkTree(t, rootListing));
        return (dir, blob);
    }

    private static string MkTree(FsckRepo t, IEnumerable<string> listing)
    {
        var file = t.Tool.Write($"listing-{Guid.NewGuid():N}", Encoding.UTF8.GetBytes(string.Join('\n', listing) + "\n"));
        return t.Tool.Sh($"git --git-dir=\"$BUP_DIR\" mktree < '{file}'").Trim();
    }

    // Rewrites the repository as one pack of every object but one (git pack-objects), dropping bup's midx and bloom.
    private static void RepackWithout(FsckRepo t, string id)
    {
        var old = Directory.GetFiles(t.PackDir);
        t.Tool.Sh($"git --git-dir=\"$BUP_DIR\" cat-file --batch-all-objects --batch-check='%(objectname)' | grep -v {id} "
            + "| git --git-dir=\"$BUP_DIR\" pack-objects -q --window=0 \"$BUP_DIR/objects/pack/pack\" > /dev/null");
        foreach (var file in old)
        {
            File.Delete(file);
        }
    }

    private static void AssertClean(FsckRepo t)
    {
        var (exit, lines) = t.Fsck();
        Assert.Equal([], lines);
        Assert.Equal(0, exit);
        var git = t.GitFsck();
        Assert.True(git.Exit == 0, git.Output);
    }

    private static void AssertDamaged(FsckRepo t, bool gitFails, params string[] expected)
    {
        var before = t.Snapshot();
        var (exit, lines) = t.Fsck();
        Assert.Equal(expected.Select(e => "bupfs fsck: " + e).Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        Assert.Equal(1, exit);
        Assert.Equal(before, t.Snapshot());
        var git = t.GitFsck();
        Assert.True(gitFails ? git.Exit != 0 : git.Exit == 0, $"git fsck exited {git.Exit}: {git.Output}");
    }
}
