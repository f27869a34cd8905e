// After a commit the staged rows must stand for the new save: every listed directory takes the
// entries of the written (or merged) tree, nodes keep their inode numbers where the entry is the
// same kind, unchanged subtrees are skipped by tree id, and spool files of stored content go.
// The same walk makes a path equal to the base save again (`bupfs reset BRANCH PATH`).
using BupFs.Repo;
using BupStore.Objects;

namespace BupFs.Staging;

/// <summary>Makes the rows under a directory equal to a save tree.</summary>
internal sealed class TreeResync
{
    private readonly StagingTree _tree;
    private readonly BaseSave _base;
    private readonly Func<ulong, bool> _keep;
    private readonly Action<ulong> _unlinked;
    private readonly List<ulong> _spoolsToDelete = [];

    /// <param name="tree">The rows.</param>
    /// <param name="baseSave">Reads the target trees.</param>
    /// <param name="keep">True for nodes to leave staged as they are (files open for writing).</param>
    /// <param name="unlinked">Called for every node that lost its last name.</param>
    public TreeResync(StagingTree tree, BaseSave baseSave, Func<ulong, bool> keep, Action<ulong> unlinked)
    {
        _tree = tree;
        _base = baseSave;
        _keep = keep;
        _unlinked = unlinked;
    }

    /// <summary>Nodes whose spool files hold content now stored in the repository.</summary>
    public IReadOnlyList<ulong> SpoolsToDelete => _spoolsToDelete;

    /// <summary>Makes directory <paramref name="directory"/> (base path <paramref name="origin"/>) equal to tree <paramref name="target"/>.</summary>
    public void Directory(StagedNode directory, ObjectId target, byte[] origin)
    {
        directory.Origin = origin;
        if (directory.State == NodeState.Base || (directory.State == NodeState.Frozen && directory.BaseId == target))
        {
            Reset(directory, target);
            return;
        }

        if (!directory.Dirty && directory.BaseId == target)
        {
            _tree.Put(directory);
            return;
        }

        var problems = new List<string>();
        var listing = _base.LoadListing(target, problems);
        if (problems.Count > 0)
        {
            RemoveChildren(directory); // staging shows such a tree frozen: list it afresh when reached
            Reset(directory, target);
            return;
        }

        var rows = _tree.Database.List(directory.Inode).ToDictionary(r => r.Name, r => r.Inode, ByteArrayComparer.Instance);
        foreach (var entry in listing.Entries)
        {
            byte[] childOrigin = origin.Length == 0 ? entry.Name : [.. origin, (byte)'/', .. entry.Name];
            if (rows.Remove(entry.Name, out var inode))
            {
                Entry(directory, _tree.Get(inode), entry, childOrigin);
            }
            else
            {
                _tree.AddBaseEntry(directory, entry);
            }
        }

        foreach (var (name, inode) in rows)
        {
            if (!_keep(inode))
            {
                Remove(directory, name, _tree.Get(inode));
            }
        }

        directory.Metadata = listing.DirectoryMetadata ?? BupStore.Formats.MetadataDefaults.Directory();
        directory.State = NodeState.Listed;
        directory.BaseId = target;
        directory.BaseMode = GitFileMode.Tree;
        directory.Dirty = false;
        _tree.Put(directory);
    }

    private void Entry(StagedNode directory, StagedNode child, ListingEntry entry, byte[] origin)
    {
        if (_keep(child.Inode))
        {
            return;
        }

        if (child.Kind == NodeKind.Directory && entry.Kind == NodeKind.Directory)
        {
            Directory(child, entry.Entry.Id, origin);
            return;
        }

        if (child.Kind != entry.Kind)
        {
            Remove(directory, entry.Name, child);
            _tree.AddBaseEntry(directory, entry);
            return;
        }

        if (child.State == NodeState.Spooled)
        {
            _spoolsToDelete.Add(child.Inode);
        }

        _tree.ResetToBase(child, entry, origin);
    }

    private void Reset(StagedNode directory, ObjectId target)
    {
        if (directory.BaseId != target)
        {
            directory.Metadata = null;
        }

        directory.BaseId = target;
        directory.BaseMode = GitFileMode.Tree;
        directory.Dirty = false;
        _tree.Put(directory);
    }

    /// <summary>Removes the name <paramref name="name"/> of <paramref name="node"/> and, for a directory, everything below.</summary>
    public void Remove(StagedNode directory, byte[] name, StagedNode node)
    {
        if (node.Kind == NodeKind.Directory)
        {
            RemoveChildren(node);
        }

        _tree.Database.RemoveEntry(directory.Inode, name);
        node.LinkCount = node.LinkCount > 0 ? node.LinkCount - 1 : 0;
        _tree.Put(node);
        if (node.LinkCount == 0)
        {
            _unlinked(node.Inode);
        }
    }

    private void RemoveChildren(StagedNode directory)
    {
        foreach (var (name, inode) in _tree.Database.List(directory.Inode))
        {
            Remove(directory, name, _tree.Get(inode));
        }

        if (directory.State != NodeState.Base)
        {
            directory.State = NodeState.Base; // listed again from its tree when next reached
            _tree.Put(directory);
        }
    }
}
