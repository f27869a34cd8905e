using Mount.Tests.Support;
using TestSupport;

namespace Mount.Tests;

/// <summary>
/// Real programs write into `bupfs mount --staging` (rsync, tar, fio, an fsx-style random tester);
/// each test ends with `bupfs commit` and compares what real bup restores with what was written.
/// </summary>
public sealed class StagingToolsTests
{
    // ACLs are left out until the staging mount keeps them (they are being added separately).
    private static readonly SampleTreeOptions Sample = SampleTreeOptions.Small with { Acls = false };

    // The staging mount's folders are written after their files, so their times are not compared.
    private static readonly TreeCompareOptions NoFolderTimes = new() { FolderMtime = false };

    [Fact]
    public void RsyncArchiveWithHardlinksAndXattrs_Commit_BupRestoresTheSameTree()
    {
        RequireTool("rsync");
        using BupRepository repo = BupRepository.Create();
        string source = repo.Path("source");
        SampleTree.Create(source, Sample);
        using (CliMount mount = CliMount.Start(repo, "--staging", "rsync"))
        {
            Processes.Execute("rsync", ["-aHAX", "--sparse", source + "/", mount.Path + "/"]).Succeeded("rsync -aHAX into the staging mount");
            Assert.Empty(TreeComparer.Compare(source, mount.Path, NoFolderTimes));
            // A second rsync has nothing to do: sizes and times in the mount equal the source's.
            string again = Processes.Execute("rsync", ["-aHAX", "--itemize-changes", source + "/", mount.Path + "/"]).Succeeded("rsync again");
            Assert.DoesNotContain(">f", again, StringComparison.Ordinal);
            repo.Bupfs("commit", "-m", "rsync", "rsync").Succeeded("bupfs commit");
        }

        AssertRestoredEqual(repo, "rsync", source);
    }

    [Fact]
    public void TarExtract_Commit_BupRestoresTheSameTree()
    {
        using BupRepository repo = BupRepository.Create();
        string source = repo.Path("source");
        SampleTree.Create(source, Sample);
        string archive = repo.Path("sample.tar");
        Processes.Execute("tar", ["--xattrs", "--xattrs-include=*", "-S", "-cf", archive, "-C", source, "."]).Succeeded("tar -c");
        using (CliMount mount = CliMount.Start(repo, "--staging", "tar"))
        {
            Processes.Execute("tar", ["--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", archive, "-C", mount.Path]).Succeeded("tar -x into the staging mount");
            Assert.Empty(TreeComparer.Compare(source, mount.Path, NoFolderTimes));
            repo.Bupfs("commit", "-m", "tar", "tar").Succeeded("bupfs commit");
        }

        AssertRestoredEqual(repo, "tar", source);
    }

    [Theory]
    [InlineData("write")]
    [InlineData("randwrite")]
    [InlineData("randrw")]
    public void FioVerifiedWrites_Succeed_AndCommitWhatFioWrote(string pattern)
    {
        RequireTool("fio");
        using BupRepository repo = BupRepository.Create();
        string kept = repo.Path("kept");
        using (CliMount mount = CliMount.Start(repo, "--staging", "fio"))
        {
            // Two jobs write their own files at once; each verifies every block it wrote by its crc32c.
            ProcessResult fio = Processes.Execute("fio", [
                "--name=" + pattern, "--directory=" + mount.Path, "--rw=" + pattern, "--bs=4k", "--bsrange=4k-64k",
                "--size=32m", "--numjobs=2", "--verify=crc32c", "--do_verify=1", "--verify_fatal=1",
                "--fsync_on_close=1", "--end_fsync=1", "--randseed=7", "--group_reporting"],
                timeout: TimeSpan.FromMinutes(3));
            Assert.True(fio.ExitCode == 0, $"fio exited {fio.ExitCode}:\n{fio.Stdout}\n{fio.Stderr}");
            Processes.Execute("cp", ["-a", mount.Path + "/.", kept]).Succeeded("copy of fio's files out of the mount");
            repo.Bupfs("commit", "-m", "fio", "fio").Succeeded("bupfs commit");
        }

        AssertRestoredEqual(repo, "fio", kept);
    }

    [Fact]
    public void RandomOperations_MatchTheModel_AndCommitTwice()
    {
        int operations = FsxRun.Setting("BUPFS_FSX_OPS", 3000);
        int seed = FsxRun.Setting("BUPFS_FSX_SEED", 1);
        using BupRepository repo = BupRepository.Create();
        using CliMount mount = CliMount.Start(repo, "--staging", "fsx");
        var run = new FsxRun(mount.Path, fileCount: 6, seed);
        run.Run(operations / 2);
        repo.Bupfs("commit", "-m", "fsx 1", "fsx").Succeeded("first commit");
        AssertCommitted(repo, run);

        // The committed files are base content now: the next writes copy them up again.
        run.Run(operations - (operations / 2));
        repo.Bupfs("commit", "-m", "fsx 2", "fsx").Succeeded("second commit");
        AssertCommitted(repo, run);
        repo.Git("fsck", "--strict");
    }

    [Fact]
    public void TruncateUpAndDownThroughAHandle_SizeIsStoredAtClose_AndSurvivesRemountAndCommit()
    {
        using BupRepository repo = BupRepository.Create();
        byte[] content = new byte[705_649];
        new Random(3).NextBytes(content);
        using (CliMount mount = CliMount.Start(repo, "--staging", "trunc"))
        {
            File.WriteAllBytes(mount["f"], content);
            SetLength(mount["f"], 932_007);
            SetLength(mount["f"], 601_897);
            Thread.Sleep(TimeSpan.FromSeconds(2.5)); // past the kernel's attribute timeout: stat asks the mount
            Assert.Equal(601_897, new FileInfo(mount["f"]).Length);
        }

        // A fresh mount shows what the daemon stored, not the kernel's cached size.
        using (CliMount again = CliMount.Start(repo, "--staging", "trunc"))
        {
            Assert.Equal(content[..601_897], File.ReadAllBytes(again["f"]));
        }

        repo.Bupfs("commit", "trunc").Succeeded("bupfs commit");
        string restored = repo.Path("restored");
        repo.Bup("restore", "-C", restored, "trunc/latest/.");
        Assert.Equal(content[..601_897], File.ReadAllBytes(Path.Join(restored, "f")));
    }

    // open, ftruncate, close: no write on the handle.
    private static void SetLength(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(length);
    }

    private static void AssertCommitted(BupRepository repo, FsxRun run)
    {
        string restored = repo.Path("restored-" + Guid.NewGuid().ToString("N")[..8]);
        repo.Bup("restore", "-C", restored, "fsx/latest/.");
        Assert.Equal(run.Files.Select(f => f.Name).Order(StringComparer.Ordinal), Directory.GetFiles(restored).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (FsxFile file in run.Files)
        {
            byte[] actual = File.ReadAllBytes(Path.Join(restored, file.Name));
            Assert.True(file.Content.SequenceEqual(actual), $"{file.Name}: bup restores {actual.Length} bytes that differ from the model's {file.Length}");
        }
    }

    private static void AssertRestoredEqual(BupRepository repo, string branch, string source)
    {
        string restored = repo.Path("restored");
        repo.Bup("restore", "-C", restored, branch + "/latest/.");
        Assert.Empty(TreeComparer.Compare(source, restored, NoFolderTimes));
        repo.Git("fsck", "--strict");
        repo.Bupfs("fsck").Succeeded("bupfs fsck");
    }

    private static void RequireTool(string program) =>
        Assert.True(Processes.OnPath(program), $"{program} is not installed (scripts/install-deps.sh installs it)");
}
