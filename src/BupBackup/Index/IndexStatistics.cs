namespace BupBackup.Index;

/// <summary>What an index run did.</summary>
public sealed class IndexStatistics
{
    /// <summary>Paths found on disk (and ancestors recorded).</summary>
    public long Walked { get; set; }

    /// <summary>Records created for paths not in the index before.</summary>
    public long Added { get; set; }

    /// <summary>Records whose inode had changed (stale), re-read and marked for saving.</summary>
    public long Changed { get; set; }

    /// <summary>Records dropped because their path is gone.</summary>
    public long Deleted { get; set; }

    /// <summary>Problems reported and skipped (each also went to the warning callback).</summary>
    public long Warnings { get; set; }

    /// <summary>Records in the new index.</summary>
    public long Records { get; set; }
}
