namespace Conformance.Support;

/// <summary>
/// A repository mounted with <c>bupfs mount [OPTIONS] REPO MNT</c> (background mode: it returns
/// once the mount is ready) on its own mount point under the run's folder. The daemon mounts with
/// auto_unmount; disposing unmounts (lazily if busy), waits for the daemon and kills that one pid if
/// it lingers, so a failing case leaves nothing mounted.
/// </summary>
internal sealed class CliMount : IDisposable
{
    private CliMount(string path, int pid)
    {
        Path = path;
        DaemonPid = pid;
        MountRoot.Track(pid, path);
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>The process serving the mount.</summary>
    public int DaemonPid { get; }

    /// <summary>Mounts <paramref name="repository"/>; throws (after cleaning up) when that fails.</summary>
    public static CliMount Start(BupRepository repository, string name, params string[] options)
    {
        string path = MountRoot.NewDirectory(name);
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

        return new CliMount(path, pid.Value);
    }

    public void Dispose()
    {
        MountRoot.Release(Path, DaemonPid);
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // still mounted (MountRoot retries at the end of the run)
        }
    }
}
