using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace BupFs.Linux.Tests;

/// <summary>
/// A test filesystem mounted on its own fresh directory. Disposing always leaves nothing
/// mounted: a clean unmount first, then fusermount3 -u -z if anything is left.
/// </summary>
internal sealed class TestMount : IAsyncDisposable
{
    public static readonly FuseMountOptions DefaultOptions = new() { MountTimeout = TimeSpan.FromSeconds(20) };

    private TestMount(TestFileSystem fs, string path, IMountHandle handle, ConcurrentQueue<string> log)
    {
        FileSystem = fs;
        Path = path;
        Handle = handle;
        Log = log;
    }

    public TestFileSystem FileSystem { get; }

    public string Path { get; }

    public IMountHandle Handle { get; }

    /// <summary>Every line the host logged.</summary>
    public ConcurrentQueue<string> Log { get; }

    /// <summary>Mounts <paramref name="fs"/> (default: the standard tree); skips when mounts are impossible.</summary>
    public static TestMount Create(TestFileSystem? fs = null, FuseMountOptions? options = null, [CallerMemberName] string name = "")
    {
        FuseEnvironment.RequireMounts();
        fs ??= TestFileSystem.CreateStandard();
        string path = TestRoot.NewDirectory(name);
        var log = new ConcurrentQueue<string>();
        IMountHandle handle = FuseHost.Mount(fs, path, (options ?? DefaultOptions) with { Log = log.Enqueue });
        return new TestMount(fs, path, handle, log);
    }

    /// <summary>A path inside the mount.</summary>
    public string this[string relative] => System.IO.Path.Join(Path, relative);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Handle.UnmountAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            ForceUnmount(Path);
        }
    }

    /// <summary>Detaches whatever is still mounted on <paramref name="path"/> and removes the directory.</summary>
    public static void ForceUnmount(string path)
    {
        for (int attempt = 0; attempt < 3 && MountPointChecks.IsMounted(path); attempt++)
        {
            MountPointChecks.Fusermount("-u", "-z", path);
        }

        try
        {
            Directory.Delete(path);
        }
        catch (IOException)
        {
            // still mounted or not empty; TestRoot reports nothing more useful than the test did
        }
    }
}
