using System.Text;
using Mount.Tests.Support;
using TestSupport;

namespace Mount.Tests;

/// <summary>`bupfs mount --staging` through real FUSE: programs write into it, `bupfs commit` makes a save bup reads.</summary>
public sealed class StagingMountTests
{
    [Fact]
    public void CopyIn_Commit_BupRestoresTheSameTree()
    {
        using BupRepository repo = BupRepository.Create();
        string source = repo.Path("source");
        SampleTree.Create(source, SampleTreeOptions.Small with { Acls = false, SparseSize = 0 });
        using (CliMount mount = CliMount.Start(repo, "--staging", "copy"))
        {
            Processes.Execute("cp", ["-a", source + "/.", mount.Path]).Succeeded("cp -a into the staging mount");
            Assert.Empty(TreeComparer.Compare(source, mount.Path, new TreeCompareOptions { FolderMtime = false }));
            repo.Bupfs("commit", "-m", "copied in", "copy").Succeeded("bupfs commit");
        }

        string restored = repo.Path("restored");
        repo.Bup("restore", "-C", restored, "copy/latest/.");
        Assert.Empty(TreeComparer.Compare(source, restored, new TreeCompareOptions { FolderMtime = false }));
        repo.Git("fsck", "--strict");
        repo.Bupfs("fsck").Succeeded("bupfs fsck");
    }

    [Fact]
    public void CopyInWithAcls_Commit_BupRestoresTheSameAcls()
    {
        if (!File.Exists("/usr/bin/setfacl"))
        {
            Assert.Skip("setfacl (package acl) is not installed");
        }

        using BupRepository repo = BupRepository.Create();
        string source = repo.Path("source");
        SampleTree.Create(source, SampleTreeOptions.Small with { Acls = true, SparseSize = 0 });
        Assert.Contains("user:12345:r--", Getfacl(source));
        Assert.Contains("default:user:12345:r-x", Getfacl(source));
        using (CliMount mount = CliMount.Start(repo, "--staging", "acls"))
        {
            Processes.Execute("cp", ["-a", source + "/.", mount.Path]).Succeeded("cp -a into the staging mount");
            Assert.Empty(TreeComparer.Compare(source, mount.Path, new TreeCompareOptions { FolderMtime = false }));
            Assert.Equal(Getfacl(source), Getfacl(mount.Path));
            repo.Bupfs("commit", "-m", "copied in with ACLs", "acls").Succeeded("bupfs commit");
        }

        string restored = repo.Path("restored");
        repo.Bup("restore", "-C", restored, "acls/latest/.");
        Assert.Empty(TreeComparer.Compare(source, restored, new TreeCompareOptions { FolderMtime = false }));
        Assert.Equal(Getfacl(source), Getfacl(restored));
        repo.Bupfs("fsck").Succeeded("bupfs fsck");
    }

    [Fact]
    public void CommitThroughTheMountPoint_NewSaveAppearsInTheReadOnlyMount_AndStagingGoesOn()
    {
        using BupRepository repo = BupRepository.Create();
        string source = repo.Path("source");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Join(source, "kept.txt"), "kept\n");
        repo.Save("live", source, date: 1_700_000_000);
        using CliMount history = CliMount.Start(repo);
        using CliMount stage = CliMount.Start(repo, "--staging", "live");
        Assert.Equal("kept\n", File.ReadAllText(stage["kept.txt"]));
        File.WriteAllText(stage["new.txt"], "new\n");
        File.AppendAllText(stage["kept.txt"], "more\n");
        Assert.Contains("A new.txt", repo.Bupfs("status", "live").Succeeded("bupfs status"));
        repo.Bupfs("commit", stage.Path).Succeeded("bupfs commit MOUNTPOINT");

        Assert.True(SpinWait.SpinUntil(() => File.Exists(history["live/latest/new.txt"]), TimeSpan.FromSeconds(10)), "the new save did not appear");
        Assert.Equal("kept\nmore\n", File.ReadAllText(history["live/latest/kept.txt"]));
        File.WriteAllText(stage["second.txt"], "2\n");
        repo.Bupfs("commit", "live").Succeeded("second commit");
        Assert.Equal("2\n", Restored(repo, "live/latest/second.txt"));
        Assert.Equal(3, repo.Bup("ls", "live").Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l != "latest"));
    }

    [Fact]
    public void ClosedFilesSurviveKill9_AndCommitAfterRemount()
    {
        using BupRepository repo = BupRepository.Create();
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 20000).Select(i => $"line {i}\n")));
        using (CliMount mount = CliMount.Start(repo, "--staging", "crash"))
        {
            Directory.CreateDirectory(mount["d"]);
            File.WriteAllBytes(mount["d/f.txt"], content);
            Processes.Execute("kill", ["-9", mount.DaemonPid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.True(SpinWait.SpinUntil(() => !Directory.Exists($"/proc/{mount.DaemonPid}"), TimeSpan.FromSeconds(10)));
        }

        using (CliMount again = CliMount.Start(repo, "--staging", "crash"))
        {
            Assert.Equal(content, File.ReadAllBytes(again["d/f.txt"]));
        }

        repo.Bupfs("commit", "crash").Succeeded("commit after the crash");
        Assert.Equal(content, Encoding.ASCII.GetBytes(Restored(repo, "crash/latest/d/f.txt")));
        repo.Git("fsck", "--strict");
    }

    [Fact]
    public void LocalFilesystemErrors_AndStagingABranchTwiceIsRefused()
    {
        using BupRepository repo = BupRepository.Create();
        using CliMount mount = CliMount.Start(repo, "--staging", "errs");
        Directory.CreateDirectory(mount["a/b"]);
        File.WriteAllText(mount["a/f"], "x");
        Assert.Equal(Mono.Unix.Native.Errno.ENOTEMPTY, SysCalls.Rmdir(mount["a"]));
        Assert.Equal(Mono.Unix.Native.Errno.EINVAL, SysCalls.Rename(mount["a"], mount["a/b/c"]));
        Assert.Equal(Mono.Unix.Native.Errno.EEXIST, SysCalls.Mkdir(mount["a/b"]));
        Assert.Equal(Mono.Unix.Native.Errno.ENOTDIR, SysCalls.Mkdir(mount["a/f/x"]));
        var second = repo.Bupfs("mount", "--staging", "errs", repo.GitDir, MountRoot.NewDirectory("second"));
        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("being staged by another process", second.Stderr);
    }

    [Fact]
    public void GitAndSqliteWorkInside_AndTheirFilesCommit()
    {
        using BupRepository repo = BupRepository.Create();
        using CliMount mount = CliMount.Start(repo, "--staging", "tools");
        string work = mount["proj"];
        Processes.Execute("git", ["init", "-q", work]).Succeeded("git init");
        File.WriteAllText(Path.Join(work, "a.txt"), "hello\n");
        Processes.Execute("git", ["-C", work, "add", "a.txt"]).Succeeded("git add");
        Processes.Execute("git", ["-C", work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "m"]).Succeeded("git commit");
        Processes.Execute("git", ["-C", work, "fsck", "--strict"]).Succeeded("git fsck inside");
        Assert.Equal(string.Empty, Processes.Execute("git", ["-C", work, "status", "--porcelain"]).Succeeded("git status").Trim());
        if (Processes.OnPath("sqlite3"))
        {
            string db = mount["data.db"];
            Processes.Execute("sqlite3", [db, "CREATE TABLE t(x); BEGIN; INSERT INTO t VALUES(1); INSERT INTO t VALUES(2); COMMIT;"]).Succeeded("sqlite3 write");
            Assert.Equal("ok", Processes.Execute("sqlite3", [db, "PRAGMA integrity_check;"]).Succeeded("sqlite3 check").Trim());
        }

        repo.Bupfs("commit", "tools").Succeeded("bupfs commit");
        string restored = repo.Path("restored");
        repo.Bup("restore", "-C", restored, "tools/latest/.");
        Processes.Execute("git", ["-C", Path.Join(restored, "proj"), "fsck", "--strict"]).Succeeded("git fsck of the restored clone");
    }

    [Fact]
    public void CopyingASavedTreeIn_AddsOnlyTreesAndTheCommit_AndTwoBranchesStageAtOnce()
    {
        using BupRepository repo = BupRepository.Create();
        string source = repo.Path("source");
        SampleTree.Create(source, SampleTreeOptions.Small with { Acls = false, SparseSize = 0, SmallFiles = 10 });
        repo.Save("saved", source, date: 1_700_000_000);
        long before = PackBytes(repo);
        using (CliMount first = CliMount.Start(repo, "--staging", "copy"))
        using (CliMount second = CliMount.Start(repo, "--staging", "other"))
        {
            Processes.Execute("cp", ["-a", source + "/.", first.Path]).Succeeded("cp -a into staging");
            File.WriteAllText(second["only-here.txt"], "other branch\n");
            repo.Bupfs("commit", "copy").Succeeded("commit copy");
            repo.Bupfs("commit", "other").Succeeded("commit other");
        }

        long added = PackBytes(repo) - before;
        Assert.InRange(added, 1, 64 * 1024); // the content (over 3 MB) was already stored: trees, .bupm and two commits only
        var missing = ContentIds(repo, "copy").Except(ContentIds(repo, "saved")).ToList();
        Assert.True(missing.Count == 0, "content ids bup save did not write: " + string.Join("; ",
            repo.Git("ls-tree", "-r", "refs/heads/copy").Split('\n').Where(l => missing.Exists(m => l.Contains(m, StringComparison.Ordinal))))); // same chunking, same ids
        Assert.Equal("other branch\n", Restored(repo, "other/latest/only-here.txt"));
    }

    [Fact]
    public void ADamagedStagingDatabase_IsReportedAtMount_WithTheWayOut()
    {
        using BupRepository repo = BupRepository.Create();
        using (CliMount mount = CliMount.Start(repo, "--staging", "hurt"))
        {
            File.WriteAllText(mount["f"], "x");
        }

        string db = Path.Join(repo.GitDir, "bupfs-staging", "hurt", "staging.db");
        foreach (string side in new[] { db + "-wal", db + "-shm" })
        {
            File.Delete(side);
        }

        File.WriteAllBytes(db, Encoding.ASCII.GetBytes(new string('x', 8192)));
        var result = repo.Bupfs("mount", "--staging", "hurt", repo.GitDir, MountRoot.NewDirectory("hurt"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("bupfs reset", result.Stderr);
        repo.Bupfs("reset", "hurt").Succeeded("bupfs reset");
        using CliMount again = CliMount.Start(repo, "--staging", "hurt");
        Assert.Empty(Directory.GetFileSystemEntries(again.Path));
    }

    [Fact]
    public void Kill9DuringACommit_LeavesARepositoryThatChecks_AndTheCommitCanBeRedone()
    {
        using BupRepository repo = BupRepository.Create();
        using (CliMount mount = CliMount.Start(repo, "--staging", "midway"))
        {
            for (int i = 0; i < 200; i++)
            {
                File.WriteAllText(mount[$"f{i}"], $"file {i}\n" + new string((char)('a' + (i % 26)), 5000 + i));
            }

            using var commit = System.Diagnostics.Process.Start(TestSupport.BupfsProgram.StartInfo(["-d", repo.GitDir, "commit", "midway"]))!;
            Thread.Sleep(30);
            Processes.Execute("kill", ["-9", mount.DaemonPid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            commit.WaitForExit(30_000);
        }

        repo.Git("fsck", "--strict");
        using (CliMount again = CliMount.Start(repo, "--staging", "midway"))
        {
            Assert.Equal(200, Directory.GetFiles(again.Path).Length);
        }

        var redo = repo.Bupfs("commit", "--allow-empty", "midway");
        redo.Succeeded("commit after the kill");
        Assert.Equal("file 7\n" + new string('h', 5007), Restored(repo, "midway/latest/f7"));
        repo.Bupfs("fsck").Succeeded("bupfs fsck");
    }

    [Fact]
    public void Kill9DuringWrites_KeepsEveryClosedFile_AndTheRepositoryChecks()
    {
        using BupRepository repo = BupRepository.Create();
        var closed = new List<string>();
        using (CliMount mount = CliMount.Start(repo, "--staging", "writes"))
        {
            bool stop = false;
            var writer = new Thread(() =>
            {
                for (int i = 0; !Volatile.Read(ref stop); i++)
                {
                    try
                    {
                        File.WriteAllText(mount[$"w{i}"], new string('x', 100_000) + i);
                        lock (closed)
                        {
                            closed.Add($"w{i}");
                        }
                    }
                    catch (IOException)
                    {
                        return; // the mount went away under the writer
                    }
                }
            }) { IsBackground = true };
            writer.Start();
            Assert.True(SpinWait.SpinUntil(() => { lock (closed) { return closed.Count >= 20; } }, TimeSpan.FromSeconds(30)));
            Processes.Execute("kill", ["-9", mount.DaemonPid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Volatile.Write(ref stop, true);
            writer.Join(TimeSpan.FromSeconds(30));
        }

        using (CliMount again = CliMount.Start(repo, "--staging", "writes"))
        {
            lock (closed)
            {
                Assert.All(closed, name => Assert.EndsWith(name[1..], File.ReadAllText(again[name])));
            }
        }

        repo.Bupfs("commit", "writes").Succeeded("commit after the kill");
        repo.Git("fsck", "--strict");
        repo.Bupfs("fsck").Succeeded("bupfs fsck");
    }

    [Fact]
    public void TwoWritersToOneFileAndOneFolder_AllWritesLand()
    {
        using BupRepository repo = BupRepository.Create();
        using (CliMount mount = CliMount.Start(repo, "--staging", "pair"))
        {
            const int block = 64 * 1024;
            using (var create = File.Create(mount["shared"]))
            {
                create.SetLength(2 * 32 * block);
            }

            Parallel.For(0, 2, writer =>
            {
                using var stream = new FileStream(mount["shared"], FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                for (int i = writer; i < 64; i += 2)
                {
                    stream.Position = (long)i * block;
                    stream.Write(Enumerable.Repeat((byte)('a' + (i % 26)), block).ToArray());
                    File.WriteAllText(mount[$"w{writer}-{i}"], $"{writer}:{i}");
                }
            });

            byte[] shared = File.ReadAllBytes(mount["shared"]);
            Assert.All(Enumerable.Range(0, 64), i => Assert.Equal((byte)('a' + (i % 26)), shared[(i * block) + 100]));
            Assert.Equal(65, Directory.GetFiles(mount.Path).Length);
            repo.Bupfs("commit", "pair").Succeeded("commit");
        }

        Assert.Equal("1:63", Restored(repo, "pair/latest/w1-63"));
    }

    [Fact]
    public void FullDisk_GivesENOSPC_AndKeepsWhatWasCommittedAndStaged()
    {
        Fuse.RequireDevice();
        string disk = MountRoot.NewDirectory("tmpfs");
        Processes.Execute("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", disk]).Succeeded("mount tmpfs");
        try
        {
            string gitDir = Path.Join(disk, "repo");
            var environment = new Dictionary<string, string> { ["BUP_DIR"] = gitDir };
            Bupfs.Run(environment, "init");
            string mnt = MountRoot.NewDirectory("stage");
            Bupfs.Run(environment, "mount", "--staging", "full", gitDir, mnt);
            int daemon = DaemonProcess.FindDaemon(mnt) ?? throw new InvalidOperationException("no staging mount daemon");
            MountRoot.Track(daemon, mnt);
            try
            {
                File.WriteAllText(Path.Join(mnt, "kept.txt"), "kept\n");
                Bupfs.Run(environment, "commit", "full");
                File.WriteAllText(Path.Join(mnt, "staged.txt"), "staged\n");
                var dd = Processes.Execute("dd", ["if=/dev/urandom", $"of={Path.Join(mnt, "big")}", "bs=1M", "count=64"]);
                Assert.NotEqual(0, dd.ExitCode);
                Assert.Contains("No space left on device", dd.Stderr);
                File.Delete(Path.Join(mnt, "big"));
                Assert.Equal("staged\n", File.ReadAllText(Path.Join(mnt, "staged.txt")));
                Bupfs.Run(environment, "commit", "full");
                Assert.Equal("kept\nstaged\n", File.ReadAllText(Path.Join(mnt, "kept.txt")) + File.ReadAllText(Path.Join(mnt, "staged.txt")));
                Processes.Execute("git", ["--git-dir", gitDir, "fsck", "--strict"]).Succeeded("git fsck after ENOSPC");
            }
            finally
            {
                MountRoot.Release(mnt, daemon);
            }
        }
        finally
        {
            Processes.Execute("umount", ["-l", disk]);
        }
    }

    // The blob ids of every file's content in the latest save of BRANCH (not the .bupm records).
    private static HashSet<string> ContentIds(BupRepository repo, string branch) =>
        repo.Git("ls-tree", "-r", "refs/heads/" + branch).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.Split('\t')[1].Trim('"').Split('/').Contains(".bupm")) // records differ (ctime), content must not
            .Select(line => line.Split(' ', '\t')[2])
            .ToHashSet();

    private static long PackBytes(BupRepository repo) =>
        Directory.GetFiles(Path.Join(repo.GitDir, "objects", "pack"), "*.pack").Sum(f => new FileInfo(f).Length);

    // What real bup restores at PATH (a file), as text.
    // getfacl of every entry but symlinks (getfacl would follow them), in one order whatever readdir's.
    private static string Getfacl(string root) =>
        Processes.Execute("sh", ["-c", "find . ! -type l -print0 | LC_ALL=C sort -z | xargs -0 getfacl --"], null, root).Succeeded("getfacl");

    private static string Restored(BupRepository repo, string path)
    {
        string target = repo.Path("restored-" + Guid.NewGuid().ToString("N")[..8]);
        repo.Bup("restore", "-C", target, path);
        return File.ReadAllText(Path.Join(target, Path.GetFileName(path)));
    }
}
