using BupFs.Cli;
using BupFs.Linux;
using Mount.Tests.Support;

namespace Mount.Tests;

/// <summary>The mount command run in this process, so that what it leaves open can be seen in /proc/self.</summary>
public sealed class MountCommandTests
{
    [Fact]
    public void AForegroundMountClosesTheRepositoryWhenItEnds()
    {
        Fuse.RequireDevice();
        using BupRepository repo = BupRepository.Create();
        string source = repo.Path("src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Join(source, "hello.txt"), "hello\n");
        repo.Save("main", source, date: 1_700_000_000);
        string mountPoint = MountRoot.NewDirectory("mnt");

        int exitCode = -1;
        var command = new Thread(() => exitCode = BupCommandLine.Run(["-d", repo.GitDir, "mount", "-f", mountPoint])) { IsBackground = true };
        command.Start();
        try
        {
            Assert.True(SpinWait.SpinUntil(() => MountPointChecks.IsMounted(mountPoint), TimeSpan.FromSeconds(20)), "the mount did not come up");
            Assert.Equal("hello\n", File.ReadAllText(Path.Join(mountPoint, "main/latest/hello.txt")));
            Assert.NotEmpty(OpenRepositoryFiles(repo.GitDir)); // the check can see what the view holds open

            Assert.Equal(0, Processes.Execute("fusermount3", ["-u", mountPoint]).ExitCode);
            Assert.True(command.Join(TimeSpan.FromSeconds(20)), "the mount command did not return after the unmount");
            Assert.Equal(0, exitCode);
            Assert.Empty(OpenRepositoryFiles(repo.GitDir));
        }
        finally
        {
            MountRoot.Unmount(mountPoint);
        }
    }

    /// <summary>Files below <paramref name="gitDir"/> this process has open or memory-mapped.</summary>
    private static List<string> OpenRepositoryFiles(string gitDir)
    {
        string prefix = gitDir.TrimEnd('/') + "/";
        var open = new List<string>();
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(prefix, StringComparison.Ordinal))
            {
                open.Add(target);
            }
        }

        open.AddRange(File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].StartsWith(prefix, StringComparison.Ordinal))
            .Select(fields => fields[5]));
        return open;
    }
}
