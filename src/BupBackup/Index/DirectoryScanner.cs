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
        try
        {
            using var handle = DirectoryHandle.Open(PathNames.ForSystem(dir));
            var names = handle.ReadNames();
            var found = new Found(names.Count);
            if (names.Count >= ParallelThreshold)
            {
                Parallel.For(0, (names.Count + ChunkSize - 1) / ChunkSize, c => StatRange(handle, dir, names, found, c * ChunkSize, ChunkSize));
            }
            else
            {
                StatRange(handle, dir, names, found, 0, names.Count);
            }

            return found.ToScan();
        }
        catch (PosixException e)
        {
            return new DirectoryScan([], [e.Message]);
        }
    }

    private void StatRange(DirectoryHandle handle, byte[] dir, List<byte[]> names, Found found, int start, int count)
    {
        var end = Math.Min(names.Count, start + count);
        for (var i = start; i < end; i++)
        {
            Stat(handle, dir, names[i], found, i);
        }
    }

    private void Stat(DirectoryHandle handle, byte[] dir, byte[] name, Found found, int i)
    {
        try
        {
            // Vanished since readdir: simply not there.
            if (handle.LStat(name) is { } status && !_filter.IsExcluded(dir, name, status.FileType == PosixFileType.Directory))
            {
                found.Children[i] = new ScannedChild(name, status);
            }
        }
        catch (PosixException e)
        {
            found.SetWarning(i, e.Message);
        }
    }

    /// <summary>What the lstats found, by readdir position (slots written by one thread each).</summary>
    private sealed class Found(int count)
    {
        private string?[]? _warnings;

        /// <summary>The kept entries; a slot without a name was vanished, excluded or failed.</summary>
        public ScannedChild[] Children { get; } = new ScannedChild[count];

        public void SetWarning(int i, string message)
        {
            // Rare: the array exists only once there is a problem. Slots differ, so only its creation is shared.
            var warnings = Volatile.Read(ref _warnings) ?? Interlocked.CompareExchange(ref _warnings, new string?[Children.Length], null) ?? _warnings;
            warnings![i] = message;
        }

        /// <summary>The kept entries in index order, and the warnings in readdir order.</summary>
        public DirectoryScan ToScan()
        {
            var kept = Children.Count(c => c.Name is not null);
            var children = kept == Children.Length ? Children : [.. Children.Where(c => c.Name is not null)];
            Array.Sort(children, static (a, b) => TreeCodec.CompareNames(a.Name, a.IsDirectory, b.Name, b.IsDirectory));
            return new DirectoryScan(children, _warnings is null ? [] : [.. _warnings.OfType<string>()]);
        }
    }
}
