using BupBackup.Index;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Save;

/// <summary>Reading one non-directory that the index does not vouch for, and what came of it.</summary>
internal sealed class FileJob : SaveJob
{
    private readonly FileSaver _saver;

    public FileJob(IndexRecord record, FileSaver saver)
    {
        Record = record;
        _saver = saver;
    }

    /// <summary>The index record as it was before the save.</summary>
    public IndexRecord Record { get; }

    /// <summary>The record to write to the new index (null: keep <see cref="Record"/> but invalid).</summary>
    public IndexRecord? Updated { get; set; }

    /// <summary>The object's git mode (blob, chunk tree or symlink); None when the entry was skipped.</summary>
    public GitFileMode GitMode { get; set; }

    /// <summary>The stored object.</summary>
    public ObjectId Id { get; set; }

    /// <summary>The metadata for the .bupm (with hardlink target and the size actually read).</summary>
    public BupMetadata? Metadata { get; set; }

    /// <summary>Problems to report, in order.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>True when the entry is left out of the save.</summary>
    public bool Skipped => GitMode == GitFileMode.None;

    protected override void Execute() => _saver.Save(this);
}
