namespace BupBackup.Restore;

/// <summary>
/// A restored directory whose metadata waits for everything below it: the walk's own hold, each
/// file still being written by a worker and each subdirectory not yet finished. When the last
/// hold is released its metadata is applied (so its times stay), then its parent's hold is released.
/// </summary>
/// <remarks>Thread-safe: holds are counted with interlocked operations.</remarks>
internal sealed class PendingDirectory
{
    private readonly Action<RestoreItem> _finish;
    private int _holds = 1; // the walk's, released when it has visited every entry

    /// <summary>A directory (or, with a null <paramref name="item"/>, the top level) below <paramref name="parent"/>.</summary>
    public PendingDirectory(RestoreItem? item, PendingDirectory? parent, Action<RestoreItem> finish)
    {
        Item = item;
        Parent = parent;
        _finish = finish;
        parent?.Hold();
    }

    /// <summary>The directory, or null for the top level (nothing to apply).</summary>
    public RestoreItem? Item { get; }

    /// <summary>The enclosing directory, or null at the top.</summary>
    public PendingDirectory? Parent { get; }

    /// <summary>Adds a hold (a file being written below).</summary>
    public void Hold() => Interlocked.Increment(ref _holds);

    /// <summary>Releases a hold; the last one finishes the directory and releases its parent.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) != 0)
        {
            return;
        }

        try
        {
            if (Item is not null)
            {
                _finish(Item);
            }
        }
        finally
        {
            Parent?.Release();
        }
    }
}
