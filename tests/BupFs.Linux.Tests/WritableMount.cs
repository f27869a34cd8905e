using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace BupFs.Linux.Tests;

/// <summary>
/// A <see cref="MemoryWritableFileSystem"/> mounted writable (<c>ReadOnly = false</c>) on its own
/// fresh directory under <see cref="TestRoot"/>, with auto_unmount. Disposing always leaves nothing
/// mounted, as <see cref="TestMount"/> does.
/// </summary>
internal sealed class WritableMount : IAsyncDisposable
{
    // A long cache timeout: every change goes through the kernel, which must keep its caches right by
    // itself; it also makes the lookup counts below exact (no re-lookup after an expired entry).
    public static readonly FuseMountOptions WritableOptions =
        TestMount.DefaultOptions with { ReadOnly = false, MutableCacheTimeout = TimeSpan.FromHours(1) };

    private WritableMount(MemoryWritableFileSystem fs, string path, IMountHandle handle, ConcurrentQueue<string> log)
    {
        FileSystem = fs;
        Path = path;
        Handle = handle;
        Log = log;
    }

    public MemoryWritableFileSystem FileSystem { get; }

    public string Path { get; }

    public IMountHandle Handle { get; }

    /// <summary>The host's mount, for the invalidation calls a commit will make.</summary>
    public FuseMount Mount => (FuseMount)Handle;

    /// <summary>Every line the host logged.</summary>
    public ConcurrentQueue<string> Log { get; }

    /// <summary>Mounts a fresh empty filesystem; skips when mounts are impossible here.</summary>
    public static WritableMount Create(FuseMountOptions? options = null, [CallerMemberName] string name = "")
    {
        FuseEnvironment.RequireMounts();
        var fs = new MemoryWritableFileSystem();
        string path = TestRoot.NewDirectory(name);
        var log = new ConcurrentQueue<string>();
        IMountHandle handle;
        try
        {
            handle = FuseHost.Mount(fs, path, (options ?? WritableOptions) with { Log = log.Enqueue });
        }
        catch (Exception)
        {
            TestMount.ForceUnmount(path);
            throw;
        }

        return new WritableMount(fs, path, handle, log);
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
            TestMount.ForceUnmount(Path);
        }
    }
}
