using System.Diagnostics;
using BupFs.Linux;

namespace Mount.Tests.Support;

/// <summary>
/// Real <c>bup fuse --meta</c> on its own mount point, run in the foreground as the test's child:
/// the reference for what a mount of a bup repository shows. Disposing unmounts it and ends the child.
/// </summary>
internal sealed class BupFuseMount : IDisposable
{
    private readonly Process _child;

    private BupFuseMount(string path, Process child)
    {
        Path = path;
        _child = child;
        MountRoot.Track(child.Id, path);
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts <paramref name="repository"/> with bup fuse; skips the test when bup fuse cannot run here.</summary>
    public static BupFuseMount Start(BupRepository repository)
    {
        string path = MountRoot.NewDirectory("bup-fuse");
        var start = new ProcessStartInfo("bup") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "fuse", "--meta", "-f", path })
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in repository.Environment)
        {
            start.Environment[name] = value;
        }

        Process child = Process.Start(start) ?? throw new InvalidOperationException("cannot start bup fuse");
        var mount = new BupFuseMount(path, child);
        var clock = Stopwatch.StartNew();
        while (!MountPointChecks.IsMounted(path))
        {
            if (child.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                string error = child.HasExited ? child.StandardError.ReadToEnd() : "no mount within 30 s";
                mount.Dispose();
                Assert.Skip($"bup fuse does not run here: {error.Trim()}");
            }

            Thread.Sleep(50);
        }

        return mount;
    }

    /// <summary>A path inside the mount.</summary>
    public string this[string relative] => System.IO.Path.Join(Path, relative);

    public void Dispose()
    {
        MountRoot.Release(Path, _child.Id);
        if (!_child.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            _child.Kill();
        }

        _child.WaitForExit();
        _child.Dispose();
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // MountRoot retries at the end of the run
        }
    }
}
