// bup restore's hardlink handling (cmd/restore.py hardlink_if_possible, hardlink_compatible).
using BupStore.Formats;

namespace BupBackup.Restore;

/// <summary>
/// Remembers the restored members of each hardlink group (keyed by the recorded hardlink target, a
/// name only: nothing is ever linked to the path it names) and finds an earlier member a new one
/// can be linked to. Memory grows with the number of hardlinked entries only. Not thread-safe.
/// </summary>
internal sealed class HardlinkTracker
{
    private readonly Dictionary<byte[], List<RestoreItem>> _groups = new(ByteArrayComparer.Instance);

    /// <summary>
    /// Links <paramref name="item"/> to a compatible earlier member of its group through
    /// <paramref name="sink"/>; false when there is none (the item must be written).
    /// </summary>
    public bool TryLink(RestoreItem item, IRestoreSink sink)
    {
        if (Key(item) is not { } key || !_groups.TryGetValue(key, out var earlier))
        {
            return false;
        }

        foreach (var candidate in earlier)
        {
            if (Compatible(candidate, item) && sink.CanLinkTo(candidate) && sink.Link(item, candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Notes a written member so later members of its group can link to it.</summary>
    public void Remember(RestoreItem item)
    {
        if (Key(item) is not { } key)
        {
            return;
        }

        if (!_groups.TryGetValue(key, out var members))
        {
            members = [];
            _groups.Add(key, members);
        }

        members.Add(item);
    }

    private static byte[]? Key(RestoreItem item) =>
        item.Metadata.HardlinkTarget is { Length: > 0 } target && item.Kind != BupFs.NodeKind.Directory ? target : null;

    // The same object, times, mode and inode-level metadata: then they were one inode when saved.
    private static bool Compatible(RestoreItem earlier, RestoreItem item)
    {
        BupMetadata a = earlier.Metadata, b = item.Metadata;
        return earlier.ObjectId == item.ObjectId && a.Mtime == b.Mtime && a.Ctime == b.Ctime
            && a.Mode == b.Mode && a.SameFile(b);
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
