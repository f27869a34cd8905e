// Hardlink groups of one save (docs/formats/saved-trees.md, "Hard links"): entries whose .bupm records carry the
// same hardlink target, object and inode-level metadata (HardlinkGroupKey) were one inode when saved.
using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// How many entries of one save share each hardlink group key (<see cref="HardlinkGroupKey"/>). Built on the first stat of a hardlinked
/// entry of that save by reading every directory listing of the save once (trees and .bupm, never
/// file data); identical subtrees are summarised once. Memory: one counter per distinct group.
/// </summary>
/// <remarks>Immutable once built. Unreadable subtrees are reported and skipped (their links are not counted).</remarks>
internal sealed class HardlinkIndex
{
    // PATH_MAX is 4096, so no saved path can nest deeper than this; deeper trees are not bup's.
    private const int MaxDepth = 2100;

    private readonly Dictionary<byte[], int> _counts;

    private HardlinkIndex(Dictionary<byte[], int> counts)
    {
        _counts = counts;
        EstimatedSize = 64 + counts.Keys.Sum(static k => 64L + k.Length);
    }

    /// <summary>Estimated bytes retained, for the cache bound.</summary>
    public long EstimatedSize { get; }

    /// <summary>Number of distinct hardlink groups in the save.</summary>
    public int GroupCount => _counts.Count;

    /// <summary>How many entries of the save have the group key <paramref name="target"/> (at least 1).</summary>
    public int CountOf(byte[] target) => _counts.TryGetValue(target, out var n) ? Math.Max(n, 1) : 1;

    /// <summary>Walks <paramref name="save"/> from its root tree.</summary>
    public static HardlinkIndex Build(RepoContext context, SaveContext save)
    {
        var walk = new Walk(context, save);
        return new HardlinkIndex(walk.Summarize(save.RootTree, "/", 0) ?? new Dictionary<byte[], int>(ByteArrayComparer.Instance));
    }

    private sealed class Walk(RepoContext context, SaveContext save)
    {
        private readonly Dictionary<ObjectId, Dictionary<byte[], int>?> _done = [];

        // Returns the target counts of one subtree (null: it holds no hardlinks).
        public Dictionary<byte[], int>? Summarize(ObjectId tree, string path, int depth)
        {
            if (_done.TryGetValue(tree, out var known))
            {
                return known;
            }

            if (depth > MaxDepth)
            {
                throw new CorruptObjectException($"tree {tree}", $"directories nested more than {MaxDepth} deep");
            }

            var summary = Count(tree, path, depth);
            _done[tree] = summary;
            return summary;
        }

        private Dictionary<byte[], int>? Count(ObjectId tree, string path, int depth)
        {
            TreeListing listing;
            try
            {
                listing = context.GetListing(tree, save, path);
            }
            catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
            {
                context.Warn($"{save.Label}, directory {path}: counting hardlinks: skipping tree {tree}: {e.Message}");
                return null;
            }

            Dictionary<byte[], int>? counts = null;
            foreach (var entry in listing.Entries)
            {
                if (entry.Kind == NodeKind.Directory)
                {
                    Merge(ref counts, Summarize(entry.Entry.Id, $"{path.TrimEnd('/')}/{NameText.Display(entry.Name)}", depth + 1));
                }
                else if (entry.HardlinkKey is { } target)
                {
                    counts ??= new Dictionary<byte[], int>(ByteArrayComparer.Instance);
                    counts[target] = counts.GetValueOrDefault(target) + 1;
                }
            }

            return counts;
        }

        private static void Merge(ref Dictionary<byte[], int>? into, Dictionary<byte[], int>? from)
        {
            if (from is null)
            {
                return;
            }

            into ??= new Dictionary<byte[], int>(ByteArrayComparer.Instance);
            foreach (var (target, n) in from)
            {
                into[target] = into.GetValueOrDefault(target) + n;
            }
        }
    }
}
