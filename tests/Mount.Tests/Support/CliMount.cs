using System.Diagnostics;

namespace Mount.Tests.Support;

/// <summary>
/// A repository mounted through the command line, on its own mount point under the run's folder.
/// <see cref="Start"/> runs <c>bupfs mount REPO MNT</c> (background mode: it returns once the mount
/// is ready); <see cref="StartForeground"/> runs <c>bupfs mount -f</c> as the test's own child.
/// Disposing always leaves nothing behind: unmount (lazily if busy), wait for the daemon, and kill
/// that one pid if it lingers.
/// </summary>
internal sealed class CliMount : IDisposable
{
    private readonly Process? _child;

    private CliMount(string path, int pid, Process? child)
    {
        Path = path;
        DaemonPid = pid;
        _child = child;
        MountRoot.Track(pid, path);
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>The process serving the mount.</summary>
    public int DaemonPid { get; }

    /// <summary>The foreground child's standard error so far (foreground mounts only).</summary>
    public string? ChildOutput { get; private set; }

    /// <summary>A path inside the mount.</summary>
    public string this[string relative] => System.IO.Path.Join(Path, relative);

    /// <summary>Mounts <paramref name="repository"/> in the background, as a user would; fails the test if that fails.</summary>
    public static CliMount Start(BupRepository repository, params string[] options) =>
        StartOn(repository, MountRoot.NewDirectory("mnt"), options);

    /// <summary>As <see cref="Start"/>, on a given (empty, unmounted) mount point.</summary>
    public static CliMount StartOn(BupRepository repository, string path, params string[] options)
    {
        Fuse.RequireDevice();
        ProcessResult result = repository.Bupfs(["mount", .. options, repository.GitDir, path]);
        int? pid = DaemonProcess.FindDaemon(path);
        if (result.ExitCode != 0 || pid is null)
        {
            if (pid is { } orphan)
            {
                MountRoot.Release(path, orphan);
            }

            throw new InvalidOperationException($"bupfs mount exited {result.ExitCode} (daemon {pid}): {result.Stderr.Trim()}");
        }

        return new CliMount(path, pid.Value, child: null);
    }

    /// <summary>
    /// Runs <c>bupfs mount -f</c> as a child of the test and returns once the mount is ready. With
    /// <paramref name="keepLog"/> the child runs without --notify-ready (which silences it once the
    /// mount is up), so <see cref="ChildOutput"/> holds every warning it logged.
    /// </summary>
    public static CliMount StartForeground(BupRepository repository, bool keepLog = false)
    {
        Fuse.RequireDevice();
        string path = MountRoot.NewDirectory("mnt");
        string[] arguments = keepLog ? ["-d", repository.GitDir, "mount", "-f", path] : ["-d", repository.GitDir, "mount", "-f", "--notify-ready", path];
        var start = TestSupport.BupfsProgram.StartInfo(arguments);

        start.Environment["TZ"] = "UTC";
        Process child = Process.Start(start) ?? throw new InvalidOperationException("cannot start bupfs mount -f");
        var mount = new CliMount(path, child.Id, child);
        if (!(keepLog ? WaitUntilMounted(child, path) : child.StandardOutput.ReadLine() == "bupfs-mount-ready"))
        {
            mount.Dispose();
            throw new InvalidOperationException($"bupfs mount -f did not become ready: {mount.ChildOutput}");
        }

        return mount;
    }

    private static bool WaitUntilMounted(Process child, string path)
    {
        var clock = Stopwatch.StartNew();
        while (!BupFs.Linux.MountPointChecks.IsMounted(path))
        {
            if (child.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    /// <summary>Waits for a foreground child to end; its exit code, or null on timeout.</summary>
    public int? WaitForChild(TimeSpan timeout)
    {
        if (_child is null || !_child.WaitForExit(timeout))
        {
            return null;
        }

        _child.WaitForExit();
        return _child.ExitCode;
    }

    public void Dispose()
    {
        MountRoot.Release(Path, DaemonPid);
        if (_child is not null)
        {
            if (!_child.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _child.Kill();
            }

            ChildOutput = _child.StandardError.ReadToEnd();
            _child.Dispose();
        }

        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // still mounted (MountRoot retries at the end of the run) or not empty
        }
    }
}
