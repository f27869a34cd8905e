using System.Diagnostics;
using System.Globalization;
using BupFs.Linux;
using Mount.Tests.Support;

namespace Mount.Tests;

/// <summary>
/// Issue 12: a directory of 100,000 entries is listed, stat'ed and restored in time linear in its
/// entries (bounds generous enough for a loaded CI machine; before the fix `bupfs ls -l` failed,
/// the mount's listing ran for minutes and grew past 300 MB), and a mount busy listing it still
/// ends promptly.
/// </summary>
public sealed class LargeDirectoryTests(LargeDirectoryFixture fixture) : IClassFixture<LargeDirectoryFixture>
{
    private const long MaxMountPeakKb = 300 * 1024;
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void BupfsLsListsEveryEntry()
    {
        var clock = Stopwatch.StartNew();
        string[] lines = Lines(fixture.Repo.Bupfs("ls", LargeDirectoryFixture.SavePath).Succeeded("bupfs ls"));
        AssertWithin(clock, "bupfs ls");
        Assert.Equal(LargeDirectoryFixture.Count, lines.Length);
        Assert.Equal(LargeDirectoryFixture.Name(0), lines[0]);
        Assert.Equal(LargeDirectoryFixture.Name(LargeDirectoryFixture.Count - 1), lines[^1]);
    }

    [Fact]
    public void BupfsLsLongShowsEveryEntry()
    {
        var clock = Stopwatch.StartNew();
        string[] lines = Lines(fixture.Repo.Bupfs("ls", "-l", LargeDirectoryFixture.SavePath).Succeeded("bupfs ls -l"));
        AssertWithin(clock, "bupfs ls -l");
        Assert.Equal(LargeDirectoryFixture.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.EndsWith(" " + LargeDirectoryFixture.Name(i), lines[i], StringComparison.Ordinal);
            Assert.StartsWith("-", lines[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BupfsRestoreWritesEveryFile()
    {
        string destination = MountRoot.NewDirectory("restored");
        try
        {
            var clock = Stopwatch.StartNew();
            fixture.Repo.Bupfs("restore", "-C", destination, LargeDirectoryFixture.SavePath).Succeeded("bupfs restore");
            AssertWithin(clock, "bupfs restore");
            var restored = new DirectoryInfo(destination).EnumerateFiles().ToList();
            Assert.Equal(LargeDirectoryFixture.Count, restored.Count);
            Assert.All(restored, file => Assert.Equal(0L, file.Length));
            Assert.True(File.Exists(Path.Join(destination, LargeDirectoryFixture.Name(LargeDirectoryFixture.Count - 1))));
        }
        finally
        {
            Directory.Delete(destination, recursive: true);
        }
    }

    [Fact]
    public void TheMountListsAndStatsEveryEntryInBoundedMemory()
    {
        using CliMount mount = CliMount.Start(fixture.Repo);
        string directory = SaveDirectory(mount);

        var clock = Stopwatch.StartNew();
        string[] listed = Lines(Processes.Execute("ls", ["-f", directory], timeout: TimeSpan.FromMinutes(3)).Succeeded("ls -f"));
        AssertWithin(clock, "ls -f");
        Assert.Equal(LargeDirectoryFixture.Count + 2, listed.Length);

        clock.Restart();
        string[] found = Lines(Processes.Execute("find", [directory, "-mindepth", "1", "-size", "0", "-printf", "%i\n"], timeout: TimeSpan.FromMinutes(3)).Succeeded("find"));
        AssertWithin(clock, "find with stat");
        Assert.Equal(LargeDirectoryFixture.Count, found.Length);
        Assert.Equal(LargeDirectoryFixture.Count, found.Distinct(StringComparer.Ordinal).Count());

        long peak = PeakResidentKb(mount.DaemonPid);
        Assert.True(peak < MaxMountPeakKb, $"the mount's peak RSS was {peak} kB");
    }

    [Fact]
    public void SigtermEndsAMountInTheMiddleOfAListing()
    {
        using CliMount mount = CliMount.StartForeground(fixture.Repo);
        using Process find = StartListing(SaveDirectory(mount));
        try
        {
            Assert.Equal(0, Mono.Unix.Native.Syscall.kill(mount.DaemonPid, Mono.Unix.Native.Signum.SIGTERM));
            Assert.Equal(0, mount.WaitForChild(ExitTimeout));
            Assert.False(MountPointChecks.IsMounted(mount.Path));
        }
        finally
        {
            Stop(find);
        }
    }

    [Fact]
    public void UmountDetachesAMountInTheMiddleOfAListingAndItEndsWithIt()
    {
        using CliMount mount = CliMount.Start(fixture.Repo);
        using Process find = StartListing(SaveDirectory(mount));
        try
        {
            var clock = Stopwatch.StartNew();
            ProcessResult umount = fixture.Repo.Bupfs("umount", mount.Path);
            Assert.Equal(0, umount.ExitCode);
            Assert.True(clock.Elapsed < ExitTimeout, $"umount took {clock.Elapsed}");
            Assert.False(MountPointChecks.IsMounted(mount.Path));

            // Detached lazily: the daemon serves the listing under way to its end, then exits.
            Assert.True(find.WaitForExit(TimeBound), "the listing did not end");
            Assert.True(DaemonProcess.WaitForExit(mount.DaemonPid, mount.Path, ExitTimeout), "the daemon kept running after the listing ended");
        }
        finally
        {
            Stop(find);
        }
    }

    private static string SaveDirectory(CliMount mount) =>
        mount["main/" + (new DirectoryInfo(mount["main/latest"]).LinkTarget ?? throw new InvalidOperationException("latest is no symlink"))];

    // `find -ls` (a stat per entry) of the save, returned once it is well into the listing.
    private static Process StartListing(string directory)
    {
        var start = new ProcessStartInfo("find") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { directory, "-mindepth", "1", "-ls" })
        {
            start.ArgumentList.Add(argument);
        }

        Process find = Process.Start(start) ?? throw new InvalidOperationException("cannot start find");
        int lines = 0;
        var started = new TaskCompletionSource();
        find.OutputDataReceived += (_, e) =>
        {
            if (Interlocked.Increment(ref lines) == 1000)
            {
                started.TrySetResult();
            }
        };
        find.ErrorDataReceived += (_, _) => { };
        find.BeginOutputReadLine();
        find.BeginErrorReadLine();
        try
        {
            Assert.True(started.Task.Wait(TimeBound), "find listed fewer than 1000 entries");
            Assert.False(find.HasExited, "find ended before the mount could be stopped in the middle of its listing");
            return find;
        }
        catch
        {
            Stop(find);
            find.Dispose();
            throw;
        }
    }

    // Our own child only, by its Process object.
    private static void Stop(Process find)
    {
        if (!find.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            find.Kill();
            find.WaitForExit();
        }
    }

    private static long PeakResidentKb(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static void AssertWithin(Stopwatch clock, string what) =>
        Assert.True(clock.Elapsed < TimeBound, $"{what} took {clock.Elapsed.TotalSeconds:F1} s");
}
