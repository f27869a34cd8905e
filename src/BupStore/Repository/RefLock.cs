namespace BupStore.Repository;

/// <summary>
/// A git-style "&lt;ref&gt;.lock" file, created exclusively (O_EXCL): whoever creates it owns the ref
/// until it is renamed over the ref (commit) or deleted (dispose without commit).
/// </summary>
internal sealed class RefLock : IDisposable
{
    private readonly string _lockPath;
    private bool _done;

    public RefLock(string lockPath)
    {
        _lockPath = lockPath;
        Stream = new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
    }

    /// <summary>The new content goes here.</summary>
    public FileStream Stream { get; }

    /// <summary>Makes the new content the ref's content, atomically.</summary>
    public void Commit(string refPath)
    {
        Stream.Dispose();
        File.Move(_lockPath, refPath, overwrite: true);
        Durable.SyncDirectory(Path.GetDirectoryName(refPath)!);
        _done = true;
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (!_done)
        {
            File.Delete(_lockPath);
        }
    }
}
