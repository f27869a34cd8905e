// `bupfs status`: what the next commit would change, compared with the base save. Only dirty
// nodes and the base listings of dirty directories are read, so it costs what was changed.
using BupFs.Repo;
using BupStore.Objects;

namespace BupFs.Staging;

/// <summary>The staged changes of a tree, in path order, and the bytes a commit still has to split.</summary>
public sealed class StagingStatus
{
    private StagingStatus(IReadOnlyList<StagingChange> changes, long pendingBytes)
    {
        Changes = changes;
        PendingBytes = pendingBytes;
    }

    /// <summary>The changes, sorted by path.</summary>
    public IReadOnlyList<StagingChange> Changes { get; }

    /// <summary>Bytes of staged content not yet hashsplit into the repository.</summary>
    public long PendingBytes { get; }

    internal static StagingStatus Compute(StagingTree tree, BaseSave baseSave)
    {
        var changes = new List<StagingChange>();
        long pending = 0;
        foreach (var node in tree.Database.DirtyNodes())
        {
            if (node.Inode == InodeNumbers.Root || node.LinkCount == 0)
            {
                continue;
            }

            foreach (var path in PathsOf(tree, node.Inode))
            {
                AddChange(changes, node, path);
            }

            pending += node.State == NodeState.Spooled && node.SplitId is null ? node.Size : 0;
            if (node.Kind == NodeKind.Directory && node.BaseId is { } baseTree && node.State == NodeState.Listed)
            {
                AddDeleted(changes, tree, baseSave, node, baseTree);
            }
        }

        var root = tree.Get(InodeNumbers.Root);
        if (root.Dirty && root.BaseId is { } rootTree)
        {
            AddDeleted(changes, tree, baseSave, root, rootTree);
        }

        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new StagingStatus(changes, pending);
    }

    private static void AddChange(List<StagingChange> changes, StagedNode node, byte[] path)
    {
        var shown = Show(path, node.Kind);
        if (node.Origin is null)
        {
            changes.Add(new StagingChange('A', shown));
        }
        else if (!node.Origin.AsSpan().SequenceEqual(path))
        {
            changes.Add(new StagingChange('R', shown, Show(node.Origin, node.Kind)));
        }
        else if (node.State == NodeState.Spooled)
        {
            changes.Add(new StagingChange('M', shown));
        }
        else if (node.Kind != NodeKind.Directory)
        {
            changes.Add(new StagingChange('m', shown));
        }
    }

    // Base entries of a dirty directory that no staged node came from were deleted.
    private static void AddDeleted(List<StagingChange> changes, StagingTree tree, BaseSave baseSave, StagedNode directory, ObjectId baseTree)
    {
        var listing = baseSave.LoadListing(baseTree, []);
        var prefix = directory.Origin ?? [];
        foreach (var entry in listing.Entries)
        {
            byte[] origin = prefix.Length == 0 ? entry.Name : [.. prefix, (byte)'/', .. entry.Name];
            if (!tree.Database.HasOrigin(origin))
            {
                changes.Add(new StagingChange('D', Show(origin, entry.Kind)));
            }
        }
    }

    private static IEnumerable<byte[]> PathsOf(StagingTree tree, ulong inode)
    {
        foreach (var (parent, name) in tree.Database.NamesOf(inode))
        {
            var parts = new List<byte[]> { name };
            for (ulong? at = parent; at is { } current && current != InodeNumbers.Root; at = tree.ParentOf(current))
            {
                var names = tree.Database.NamesOf(current);
                if (names.Count == 0)
                {
                    break;
                }

                parts.Add(names[0].Name);
            }

            parts.Reverse();
            yield return parts.SelectMany((p, i) => i == 0 ? p : [(byte)'/', .. p]).ToArray();
        }
    }

    private static string Show(byte[] path, NodeKind kind) => NameText.Display(path) + (kind == NodeKind.Directory ? "/" : string.Empty);
}
