using BupBackup.Posix;
using BupStore.Formats;

namespace BupBackup.Index;

/// <summary>
/// Lists one directory and lstats its entries relative to the open directory (one name lookup per
/// entry, never a full path walk), drops excluded entries and sorts the rest in index order. A
/// directory with many entries is lstat'ed on several threads; results and warnings keep readdir
/// order, so the outcome never depends on scheduling.
/// </summary>
/// <remarks>Thread-safe: each call works on its own directory handle.</remarks>
internal sealed class DirectoryScanner
{
    /// <summary>Entries from which the lstats of one directory are spread over several threads.</summary>
    internal const int ParallelThreshold = 1024;

    private const int ChunkSize = 256;
    private readonly ExclusionFilter _filter;

    /// <summary>A scanner that leaves out what <paramref name="filter"/> excludes.</summary>
    public DirectoryScanner(ExclusionFilter filter)
    {
        _filter = filter;
    }

    /// <summary>Scans directory <paramref name="dir"/> (index form: ends in '/').</summary>
    public DirectoryScan Scan(byte[] dir)
    {
        var warnings = new List<string>();
        try
        {
            using var handle = DirectoryHandle.Open(PathNames.ForSystem(dir));
            var names = handle.ReadNames();
            var found = new Found[names.Count];
            if (names.Count >= ParallelThreshold)
            {
                Parallel.For(0, (names.Count + ChunkSize - 1) / ChunkSize, c => StatRange(handle, dir, names, found, c * ChunkSize));
            }
            else
            {
                StatRange(handle, dir, names, found, 0);
            }

            return Collect(found, warnings);
        }
        catch (PosixException e)
        {
            warnings.Add(e.Message);
            return new DirectoryScan([], warnings);
        }
    }

    private void StatRange(DirectoryHandle handle, byte[] dir, List<byte[]> names, Found[] found, int start)
    {
        var end = Math.Min(names.Count, start + (names.Count >= ParallelThreshold ? ChunkSize : names.Count));
        for (var i = start; i < end; i++)
        {
            found[i] = Stat(handle, dir, names[i]);
        }
    }

    private Found Stat(DirectoryHandle handle, byte[] dir, byte[] name)
    {
        try
        {
            if (handle.LStat(name) is not { } status)
            {
                return default; // vanished since readdir: simply not there
            }

            var isDirectory = status.FileType == PosixFileType.Directory;
            return _filter.IsExcluded(dir, name, isDirectory) ? default : new Found(new ScannedChild(name, status), null);
        }
        catch (PosixException e)
        {
            return new Found(null, e.Message);
        }
    }

    private static DirectoryScan Collect(Found[] found, List<string> warnings)
    {
        var children = new List<ScannedChild>(found.Length);
        foreach (var f in found)
        {
            if (f.Warning is { } w)
            {
                warnings.Add(w);
            }
            else if (f.Child is { } child)
            {
                children.Add(child);
            }
        }

        children.Sort(static (a, b) => TreeCodec.CompareNames(a.Name, a.IsDirectory, b.Name, b.IsDirectory));
        return new DirectoryScan(children, warnings);
    }

    private readonly record struct Found(ScannedChild? Child, string? Warning);
}
