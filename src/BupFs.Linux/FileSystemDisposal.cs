namespace BupFs.Linux;

/// <summary>Disposes a mounted filesystem when its mount ends; hosts own the FS they were given.</summary>
internal static class FileSystemDisposal
{
    /// <summary>Disposes <paramref name="fs"/> if it is disposable, logging (not throwing) failures.</summary>
    public static void Dispose(IFileSystem fs, RequestLog log)
    {
        try
        {
            if (fs is IAsyncDisposable asyncDisposable)
            {
                asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            else if (fs is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
        catch (Exception e)
        {
            log.Write($"bupfs: disposing the filesystem failed: {e.GetType().Name}: {e.Message}");
        }
    }
}
