using System.Collections.Concurrent;
using BupFs;
using BupFs.Linux;
using BupFs.Repo;
using BupStore.Repository;

namespace Mount.Tests.Support;

/// <summary>
/// A repository view mounted inside the test process (FuseHost + RepoFileSystem), for tests that
/// need to set view options or look at the view itself. Disposing unmounts (lazily if it must)
/// and closes the repository.
/// </summary>
internal sealed class ViewMount : IAsyncDisposable
{
    private readonly Repository _repository;

    private ViewMount(string path, Repository repository, RepoFileSystem fs, IMountHandle handle, ConcurrentQueue<string> log)
    {
        Path = path;
        _repository = repository;
        FileSystem = fs;
        Handle = handle;
        Log = log;
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>The mounted view (owned by the host; disposed when the mount ends).</summary>
    public RepoFileSystem FileSystem { get; }

    public IMountHandle Handle { get; }

    /// <summary>Every line the host logged.</summary>
    public ConcurrentQueue<string> Log { get; }

    /// <summary>A path inside the mount.</summary>
    public string this[string relative] => System.IO.Path.Join(Path, relative);

    /// <summary>Mounts a view of <paramref name="repository"/> with <paramref name="options"/>.</summary>
    public static ViewMount Create(BupRepository repository, RepoFileSystemOptions options)
    {
        Fuse.RequireDevice();
        string path = MountRoot.NewDirectory("view");
        var log = new ConcurrentQueue<string>();
        Repository opened = Repository.Open(repository.GitDir);
        var fs = new RepoFileSystem(opened, options);
        try
        {
            IMountHandle handle = FuseHost.Mount(fs, path, new FuseMountOptions { Log = log.Enqueue, MountTimeout = TimeSpan.FromSeconds(20) });
            return new ViewMount(path, opened, fs, handle, log);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Handle.UnmountAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            MountRoot.Unmount(Path);
            _repository.Dispose();
        }
    }
}
