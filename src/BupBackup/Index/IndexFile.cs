using BupStore.Formats;

namespace BupBackup.Index;

/// <summary>Where the bupfs-index lives and read-only access to its records (bup index -p).</summary>
public static class IndexFile
{
    /// <summary>The file name inside the repository directory.</summary>
    public const string FileName = "bupfs-index";

    /// <summary>The index file of the repository whose git directory is <paramref name="gitDir"/>.</summary>
    public static string PathIn(string gitDir) => Path.Combine(gitDir, FileName);

    /// <summary>True when an index file exists at <paramref name="path"/>.</summary>
    public static bool Exists(string path) => File.Exists(path);

    /// <summary>
    /// The records in index order (each directory before its contents), streamed: the file is never
    /// loaded whole. Nothing when the file does not exist.
    /// </summary>
    /// <exception cref="CorruptObjectException">The file is damaged (raised while enumerating).</exception>
    public static IEnumerable<IndexRecord> Records(string path)
    {
        using var reader = IndexReader.TryOpen(path);
        if (reader is null || reader.IsEmpty)
        {
            yield break;
        }

        var cursor = new IndexCursor(reader);
        while (cursor.MoveNext())
        {
            yield return cursor.Current!;
        }
    }

    /// <summary>The hardlink groups: (device, inode) to the path every link records as its target.</summary>
    public static IReadOnlyDictionary<(ulong Device, ulong Inode), byte[]> HardlinkTargets(string path)
    {
        using var reader = IndexReader.TryOpen(path);
        return reader is null ? new Dictionary<(ulong, ulong), byte[]>() : reader.ReadLinks();
    }

    /// <summary>
    /// Reads the whole index at <paramref name="path"/> and verifies its checksums and structure
    /// (bup index --check). Returns the number of records; 0 when there is no index.
    /// </summary>
    /// <exception cref="CorruptObjectException">The index is damaged; the message says where.</exception>
    public static long Check(string path) => IndexChecker.Check(path);

    /// <summary>Deletes the index (bup index --clear); it is only a cache.</summary>
    public static void Clear(string path) => File.Delete(path);
}
