using System.Runtime.CompilerServices;
using BupFs.Linux;

[assembly: AssemblyFixture(typeof(Mount.Tests.Support.MountRoot))]

namespace Mount.Tests.Support;

/// <summary>
/// The per-run folder (/tmp/bupfs-mount-tests-PID) that holds every repository, source tree and
/// mount point of the run. Mount points are its direct children, so at the end of the run anything
/// still mounted is found and detached, and every mount daemon the run started that is still alive
/// is killed by pid. A failing test therefore never leaves a mount or a process behind.
/// </summary>
public sealed class MountRoot : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, string> Daemons = [];
    private static int s_counter;

    /// <summary>The run's folder.</summary>
    // Named after the test assembly (bupfs-mount-tests-PID, bupfs-conformance-PID): Conformance
    // compiles this same file.
    public static string Path { get; } = System.IO.Path.Join(
        System.IO.Path.GetTempPath(),
        $"bupfs-{typeof(MountRoot).Assembly.GetName().Name!.ToLowerInvariant().Replace('.', '-')}-{Environment.ProcessId}");

    /// <summary>A fresh empty directory for one test (a mount point or a work folder).</summary>
    public static string NewDirectory([CallerMemberName] string name = "")
    {
        string directory = System.IO.Path.Join(Path, $"{name}-{Interlocked.Increment(ref s_counter)}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Remembers a mount daemon this run started, so the end of the run can stop it.</summary>
    public static void Track(int pid, string mountPoint)
    {
        lock (Gate)
        {
            Daemons[pid] = mountPoint;
        }
    }

    /// <summary>
    /// Ends the mount on <paramref name="mountPoint"/> and the daemon <paramref name="pid"/> serving
    /// it: fusermount3 -u, else a lazy -u -z; then waits for the daemon to exit and kills it (that pid
    /// only, and only while it still serves this mount point) if it does not.
    /// </summary>
    public static void Release(string mountPoint, int pid)
    {
        Unmount(mountPoint);
        if (!DaemonProcess.WaitForExit(pid, mountPoint, TimeSpan.FromSeconds(10)))
        {
            DaemonProcess.Kill(pid, mountPoint);
        }

        lock (Gate)
        {
            Daemons.Remove(pid);
        }

        Unmount(mountPoint); // auto_unmount's watchdog does this too, after a kill
    }

    /// <summary>Detaches whatever FUSE mount is on <paramref name="mountPoint"/>.</summary>
    public static void Unmount(string mountPoint)
    {
        for (int attempt = 0; attempt < 3 && MountPointChecks.IsMounted(mountPoint); attempt++)
        {
            if (Processes.Execute("fusermount3", ["-u", mountPoint]).ExitCode != 0)
            {
                Processes.Execute("fusermount3", ["-u", "-z", mountPoint]);
            }
        }
    }

    /// <summary>Stops what the run left behind, then deletes the folder.</summary>
    public void Dispose()
    {
        KeyValuePair<int, string>[] daemons;
        lock (Gate)
        {
            daemons = [.. Daemons];
        }

        foreach ((int pid, string mountPoint) in daemons)
        {
            Release(mountPoint, pid);
        }

        if (!Directory.Exists(Path))
        {
            return;
        }

        foreach (string directory in Directory.GetDirectories(Path))
        {
            Unmount(directory);
        }

        // rm copes with non-UTF-8 names, read-only folders and fifos; --one-file-system never
        // descends into a mount that could not be removed.
        Processes.Execute("rm", ["-rf", "--one-file-system", Path]);
    }
}
