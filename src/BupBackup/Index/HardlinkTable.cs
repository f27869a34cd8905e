namespace BupBackup.Index;

/// <summary>
/// Hardlink groups: for each (device, inode) with several links, the index path every link records
/// as its hardlink target (bup's hlinkdb). The target is only a group key for restore. On a fresh
/// index it is the link bup itself would pick (the last in index order, which is the first in bup's
/// reverse walk); later runs keep a target while that path still links to the inode.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class HardlinkTable
{
    private readonly Dictionary<(ulong, ulong), byte[]> _targets;
    private readonly Dictionary<(ulong, ulong), Seen> _seen = [];

    /// <summary>Starts from the table of the previous index (or empty).</summary>
    public HardlinkTable(Dictionary<(ulong Device, ulong Inode), byte[]>? previous = null)
    {
        _targets = previous ?? [];
    }

    /// <summary>The current groups.</summary>
    public IReadOnlyDictionary<(ulong Device, ulong Inode), byte[]> Targets => _targets;

    /// <summary>The target for a record, or null when it has a single link or no group is known.</summary>
    public byte[]? TargetFor(IndexRecord record) =>
        !record.IsDirectory && record.Status.LinkCount > 1 && _targets.TryGetValue((record.Status.Device, record.Status.Inode), out var t) ? t : null;

    /// <summary>Notes a record met while re-walking a root.</summary>
    public void See(IndexRecord record)
    {
        if (record.IsDirectory || record.Status.LinkCount <= 1)
        {
            return;
        }

        var key = (record.Status.Device, record.Status.Inode);
        var seen = _seen.TryGetValue(key, out var s) ? s : new Seen();
        seen.LastPath = record.Path;
        seen.OldTargetSeen |= _targets.TryGetValue(key, out var old) && old.AsSpan().SequenceEqual(record.Path);
        _seen[key] = seen;
    }

    /// <summary>Settles the groups after a walk of <paramref name="indexRoot"/> (index form).</summary>
    public void EndWalk(ReadOnlySpan<byte> indexRoot)
    {
        var root = indexRoot.ToArray();
        foreach (var (key, target) in _targets.ToList())
        {
            var seen = _seen.GetValueOrDefault(key);
            if (PathNames.IsWithin(target, root) && seen is not { OldTargetSeen: true })
            {
                _targets.Remove(key);
            }
        }

        foreach (var (key, seen) in _seen)
        {
            _targets.TryAdd(key, seen.LastPath);
        }

        _seen.Clear();
    }

    private sealed class Seen
    {
        public byte[] LastPath { get; set; } = [];

        public bool OldTargetSeen { get; set; }
    }
}
