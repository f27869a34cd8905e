namespace BupBackup.Save;

/// <summary>What a save read and reused. Counters are updated from several threads.</summary>
public sealed class SaveStatistics
{
    private long _bytesRead;
    private long _filesRead;

    /// <summary>Content bytes read from files (regular file data only).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Regular files whose content was read.</summary>
    public long FilesRead => Interlocked.Read(ref _filesRead);

    /// <summary>Index records the save went through (reused subtrees count as one).</summary>
    public long Entries { get; internal set; }

    /// <summary>Non-directories stored from the index without touching the disk.</summary>
    public long FilesReused { get; internal set; }

    /// <summary>Directories whose whole tree was reused from the index.</summary>
    public long DirectoriesReused { get; internal set; }

    /// <summary>Entries left out because of a problem (each reported as a warning).</summary>
    public long Skipped { get; internal set; }

    /// <summary>Warnings reported (skipped entries, files that changed while being read, ...).</summary>
    public long Warnings { get; internal set; }

    /// <summary>Bytes the index said would have to be read.</summary>
    public long BytesToRead { get; internal set; }

    internal void AddRead(long bytes)
    {
        Interlocked.Add(ref _bytesRead, bytes);
    }

    internal void AddFileRead() => Interlocked.Increment(ref _filesRead);
}
