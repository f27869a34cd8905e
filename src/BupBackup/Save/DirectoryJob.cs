using BupBackup.Index;
using BupBackup.Posix;
using BupStore.Formats;

namespace BupBackup.Save;

/// <summary>Reading a directory's own metadata at save time (bup reads it fresh, never from the index).</summary>
internal sealed class DirectoryJob(IndexRecord record) : SaveJob
{
    /// <summary>The directory's record.</summary>
    public IndexRecord Record { get; } = record;

    /// <summary>The metadata, or null (synthetic directory, or unreadable: see <see cref="Warning"/>).</summary>
    public BupMetadata? Metadata { get; private set; }

    /// <summary>Why the metadata could not be read, or null.</summary>
    public string? Warning { get; private set; }

    protected override void Execute() => (Metadata, Warning) = Read(Record);

    /// <summary>Reads the metadata of <paramref name="record"/>'s real path (null for a synthetic directory).</summary>
    public static (BupMetadata? Metadata, string? Warning) Read(IndexRecord record)
    {
        if (record.IsSynthetic)
        {
            return (null, null);
        }

        try
        {
            var warnings = new List<string>();
            var metadata = MetadataReader.FromPath(PathNames.ForSystem(record.RealPath), null, normalized: true, warnings);
            return (metadata, warnings.Count > 0 ? string.Join("; ", warnings) : null);
        }
        catch (Exception e) when (e is PosixException or IOException)
        {
            return (null, e.Message);
        }
    }
}
