using BupFs.Linux;
using Mount.Tests.Support;

namespace Mount.Tests;

/// <summary>
/// Each way `bupfs mount` can be refused: a one-line error naming the path and what to do, a
/// non-zero exit, and nothing mounted or left running afterwards.
/// </summary>
public sealed class MountErrorTests
{
    [Fact]
    public void AMissingRepositoryIsRefused()
    {
        Fuse.RequireDevice();
        string work = MountRoot.NewDirectory();
        string missing = Path.Join(work, "no-such-repo");
        string mountPoint = MountPoint(work);
        ProcessResult result = Bupfs.Execute(null, "mount", missing, mountPoint);
        AssertRefused(result, mountPoint, missing);
    }

    [Fact]
    public void AFolderThatIsNoRepositoryIsRefused()
    {
        Fuse.RequireDevice();
        string work = MountRoot.NewDirectory();
        string notRepo = Path.Join(work, "plain");
        Directory.CreateDirectory(notRepo);
        File.WriteAllText(Path.Join(notRepo, "file.txt"), "not a repository\n");
        string mountPoint = MountPoint(work);
        ProcessResult result = Bupfs.Execute(null, "mount", notRepo, mountPoint);
        AssertRefused(result, mountPoint, notRepo);
    }

    [Fact]
    public void AMissingMountPointIsRefusedWithHowToCreateIt()
    {
        Fuse.RequireDevice();
        using BupRepository repo = BupRepository.Create();
        string missing = repo.Path("no-such-mountpoint");
        ProcessResult result = repo.Bupfs("mount", repo.GitDir, missing);
        AssertRefused(result, missing, missing);
        Assert.Contains("does not exist", result.Stderr);
        Assert.Contains($"mkdir -p {missing}", result.Stderr);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void AMountPointThatIsAFileIsRefused()
    {
        Fuse.RequireDevice();
        using BupRepository repo = BupRepository.Create();
        string file = repo.Path("a-file");
        File.WriteAllText(file, "x");
        ProcessResult result = repo.Bupfs("mount", repo.GitDir, file);
        AssertRefused(result, file, file);
        Assert.Contains("is not a directory", result.Stderr);
    }

    [Fact]
    public void ALiveBupfsMountIsNotMountedOver()
    {
        using BupRepository repo = BupRepository.Create();
        using CliMount mount = CliMount.Start(repo);
        ProcessResult result = repo.Bupfs("mount", repo.GitDir, mount.Path);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("already mounted", result.Stderr);
        Assert.Contains($"bupfs umount {mount.Path}", result.Stderr);
        Assert.Equal(1, MountsOn(mount.Path)); // nothing stacked on top
        Assert.True(DaemonProcess.IsServing(mount.DaemonPid, mount.Path));
        Assert.Equal([".tag"], Directory.GetFileSystemEntries(mount.Path).Select(Path.GetFileName)); // the first mount still answers
    }

    [Fact]
    public void AnotherFilesystemsMountPointIsRefused()
    {
        Fuse.RequireDevice();
        using BupRepository repo = BupRepository.Create();
        string mountPoint = MountPoint(repo.Root);
        if (Processes.Execute("mount", ["-t", "tmpfs", "-o", "size=1m", "bupfs-test-tmpfs", mountPoint]).ExitCode != 0)
        {
            Assert.Skip("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)");
        }

        try
        {
            ProcessResult result = repo.Bupfs("mount", repo.GitDir, mountPoint);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("already a mount point (tmpfs", result.Stderr);
            Assert.Equal(1, MountsOn(mountPoint));
        }
        finally
        {
            Processes.Execute("umount", [mountPoint]);
        }
    }

    [Fact]
    public void AStaleMountIsRefusedWithHowToClearItAndTheHintWorks()
    {
        using BupRepository repo = BupRepository.Create();
        using CliMount mount = CliMount.StartForeground(repo);
        MakeStale(mount);
        Assert.Equal(Mono.Unix.Native.Errno.ENOTCONN, SysCalls.OpenDirectory(mount.Path));

        ProcessResult refused = repo.Bupfs("mount", repo.GitDir, mount.Path);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("stale FUSE mount", refused.Stderr);
        Assert.Contains("Transport endpoint is not connected", refused.Stderr);
        Assert.Contains($"fusermount3 -u {mount.Path}", refused.Stderr);
        Assert.Contains($"bupfs umount {mount.Path}", refused.Stderr);
        Assert.Equal(1, MountsOn(mount.Path)); // refused before anything stacked on the stale mount

        // The hint works: after `bupfs umount` the same mount point mounts again.
        Assert.Equal(0, repo.Bupfs("umount", mount.Path).ExitCode);
        Assert.Equal(0, MountsOn(mount.Path));
        using CliMount again = Remount(repo, mount.Path);
        Assert.Equal([".tag"], Directory.GetFileSystemEntries(again.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void UmountOfSomethingNotMountedIsRefused()
    {
        using BupRepository repo = BupRepository.Create();
        string folder = MountPoint(repo.Root);
        ProcessResult result = repo.Bupfs("umount", folder);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"{folder} is not mounted", result.Stderr);
    }

    private static void AssertRefused(ProcessResult result, string mountPoint, string named)
    {
        Assert.NotEqual(0, result.ExitCode);
        string message = result.Stderr.Trim();
        Assert.StartsWith("bupfs: error: ", message);
        Assert.DoesNotContain("\n", message); // one line, no stack trace
        Assert.Contains(named, message);
        Assert.Equal(0, MountsOn(mountPoint));
        Assert.Null(DaemonProcess.FindDaemon(mountPoint));
    }

    private static string MountPoint(string work)
    {
        string path = Path.Join(work, "mnt");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>How many mounts sit on <paramref name="path"/> (mounts stack).</summary>
    private static int MountsOn(string path) =>
        File.ReadLines("/proc/self/mountinfo").Count(line => line.Split(' ') is { Length: > 4 } fields && fields[4] == path);

    /// <summary>
    /// Kills the auto_unmount watchdog first, then the daemon, so nobody unmounts: the kernel keeps
    /// a mount with no server, which answers ENOTCONN ("Transport endpoint is not connected").
    /// </summary>
    private static void MakeStale(CliMount mount)
    {
        int watchdog = DaemonProcess.FindWatchdog(mount.DaemonPid, mount.Path)
            ?? throw new InvalidOperationException("no fusermount3 watchdog found for the mount");
        DaemonProcess.Kill(watchdog, mount.Path);
        DaemonProcess.Kill(mount.DaemonPid, mount.Path);
    }

    /// <summary>Mounts again on a mount point a disposed <see cref="CliMount"/> will release too.</summary>
    private static CliMount Remount(BupRepository repo, string path) => CliMount.StartOn(repo, path);
}
