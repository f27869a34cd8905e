// `bupfs commit`: the staged tree becomes a save of its branch, written as `bup save` writes one
// (docs/formats/saved-trees.md; docs/formats/staging.md, "Commit"): dirty directories bottom-up
// through SaveTreeWriter, spooled files hashsplit by BlobSplitter, untouched subtrees by their
// base tree ids, then the commit and a compare-and-swap of the branch ref. Afterwards the tree
// is rebased on the new save without changing any inode, so a mounted staging tree goes on.
//
// Concurrency: runs under the file system's namespace lock, so the tree does not change while it
// is written (writes to already-open spool files wait for nothing, but files open for writing are
// left out: their last committed content goes in, and they stay staged).
using System.Text;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupFs.Staging;

/// <summary>Writes a staged tree as a new save.</summary>
public sealed class StagingCommitter
{
    private readonly StagingFileSystem _fs;
    private readonly ConcurrentObjectWriter _writer;
    private readonly Dictionary<ulong, (GitFileMode Mode, ObjectId Id)> _written = [];
    private readonly Dictionary<ulong, byte[]> _firstPath = [];
    private readonly List<string> _leftOut = [];

    /// <summary>A committer writing through <paramref name="writer"/>.</summary>
    public StagingCommitter(StagingFileSystem fs, ConcurrentObjectWriter writer)
    {
        _fs = fs;
        _writer = writer;
    }

    /// <summary>
    /// Writes the save and moves the branch. Returns the commit id and the paths of files left out
    /// because they were open for writing.
    /// </summary>
    /// <exception cref="StagingException">Nothing staged (without <paramref name="allowEmpty"/>), or the branch moved.</exception>
    public StagingCommitResult Commit(byte[] message, long? authorTime, bool allowEmpty)
    {
        _fs.FlushSplits(); // content split after close is then stored, and the commit only writes trees
        lock (_fs.Gate)
        {
            var tree = _fs.Tree;
            var root = tree.Directory(InodeNumbers.Root);
            var baseCommit = _fs.ReadBaseCommit();
            if (!root.Dirty && !allowEmpty && baseCommit is not null)
            {
                throw new StagingException($"nothing staged on branch '{_fs.Area.Branch}' (use --allow-empty to commit anyway)");
            }

            var refName = "refs/heads/" + _fs.Area.Branch;
            CheckBranch(refName, baseCommit);
            var rootTree = WriteDirectory(root, []);
            var commit = BupCommit.Write(_writer, rootTree, baseCommit ?? ObjectId.Zero, authorTime, message);
            _writer.Close();
            MoveBranch(refName, commit, baseCommit);
            Rebase(commit);
            return new StagingCommitResult(commit, rootTree, _leftOut);
        }
    }

    private void CheckBranch(string refName, ObjectId? baseCommit)
    {
        var head = _fs.Repository.Refs.TryRead(refName, out var id) ? id : (ObjectId?)null;
        if (head != baseCommit)
        {
            throw new StagingException(
                $"branch '{_fs.Area.Branch}' moved since staging began (staged on {Short(baseCommit)}, now {Short(head)}); nothing was committed");
        }
    }

    private void MoveBranch(string refName, ObjectId commit, ObjectId? baseCommit)
    {
        try
        {
            _fs.Repository.Refs.Update(refName, commit, baseCommit ?? ObjectId.Zero, "bupfs commit");
        }
        catch (RefConflictException e)
        {
            throw new StagingException($"branch '{_fs.Area.Branch}' moved while committing; nothing was committed ({e.Message})", e);
        }
    }

    private ObjectId WriteDirectory(StagedNode directory, byte[] path)
    {
        if (!directory.Dirty && directory.BaseId is { } unchanged)
        {
            return unchanged;
        }

        var tree = _fs.Tree;
        var listed = tree.Directory(directory.Inode);
        var entries = new List<SaveTreeEntry>();
        foreach (var (name, inode) in tree.Database.List(listed.Inode))
        {
            var child = tree.Get(inode);
            byte[] childPath = [.. path, (byte)'/', .. name];
            if (child.Kind == NodeKind.Directory)
            {
                var id = WriteDirectory(child, childPath);
                _written[inode] = (GitFileMode.Tree, id);
                entries.Add(new SaveTreeEntry(name, true, GitFileMode.Tree, id, null));
            }
            else if (Entry(child, name, childPath) is { } entry)
            {
                entries.Add(entry);
            }
        }

        var treeId = SaveTreeWriter.Write(_writer, Record(tree.MetadataOf(listed), listed), entries);
        _written[directory.Inode] = (GitFileMode.Tree, treeId);
        return treeId;
    }

    private SaveTreeEntry? Entry(StagedNode node, byte[] name, byte[] path)
    {
        if (_fs.IsOpenForWriting(node.Inode))
        {
            _leftOut.Add(NameText.Display(path));
            if (node.BaseId is not { } committed)
            {
                return null; // never closed: nothing to commit yet
            }

            var record = _fs.Tree.MetadataOf(node).Clone();
            record.Size = _fs.BaseLength(node.BaseMode, committed);
            return new SaveTreeEntry(name, false, node.BaseMode, committed, record);
        }

        var content = Content(node);
        _written[node.Inode] = content;
        return new SaveTreeEntry(name, false, content.Mode, content.Id, Record(_fs.Tree.MetadataOf(node), node, path));
    }

    private (GitFileMode Mode, ObjectId Id) Content(StagedNode node)
    {
        if (_written.TryGetValue(node.Inode, out var done))
        {
            return done; // a second name of a hard-linked node
        }

        if (node.State != NodeState.Spooled && node.BaseId is { } id && node.BaseMode != GitFileMode.None)
        {
            return (node.BaseMode, id);
        }

        if (node.State == NodeState.Spooled && node.SplitId is { } split)
        {
            return (node.SplitMode, split);
        }

        switch (node.Kind)
        {
            case NodeKind.File when node.State == NodeState.Spooled:
                using (var stream = new FileStream(_fs.Area.SpoolPath(node.Inode), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16))
                {
                    return BlobSplitter.Split(_writer, stream);
                }

            case NodeKind.Symlink:
                return (GitFileMode.Symlink, _writer.Write(ObjectType.Blob, _fs.Tree.MetadataOf(node).SymlinkTarget ?? []));
            default:
                _writer.EnsureEmptyBlob(); // empty files, fifos, sockets and devices: their record says the rest
                return (GitFileMode.Regular, ObjectId.EmptyBlob);
        }
    }

    // The record as save writes it: the size of what was stored; a hardlink target naming the
    // first path of the group when the node has several names, and none on a changed node that
    // has one name (it no longer shares content with the base save's group).
    private BupMetadata Record(BupMetadata metadata, StagedNode node, byte[]? path = null)
    {
        if (!node.Dirty)
        {
            return metadata;
        }

        var record = metadata.Clone();
        if (node.Kind == NodeKind.File)
        {
            record.Size = node.Size;
        }

        if (path is not null && node.Kind != NodeKind.Directory)
        {
            record.HardlinkTarget = node.LinkCount > 1 ? FirstPath(node.Inode, path) : null;
        }

        return record;
    }

    private byte[] FirstPath(ulong inode, byte[] path)
    {
        if (!_firstPath.TryGetValue(inode, out var first))
        {
            first = path;
            _firstPath[inode] = first;
        }

        return first;
    }

    // The tree now stands for the new save: every written node takes its new ids as its base and
    // is clean; spool files of committed content go. Open-for-writing files stay staged.
    private void Rebase(ObjectId commit)
    {
        var tree = _fs.Tree;
        var spools = new List<ulong>();
        tree.Database.InTransaction(() =>
        {
            foreach (var node in tree.Database.DirtyNodes())
            {
                if (_fs.IsOpenForWriting(node.Inode) || !_written.TryGetValue(node.Inode, out var stored))
                {
                    continue;
                }

                if (node.State == NodeState.Spooled)
                {
                    spools.Add(node.Inode);
                    node.State = NodeState.Base;
                }

                (node.BaseMode, node.BaseId) = stored;
                node.SplitId = null;
                node.SplitMode = GitFileMode.None;
                node.Dirty = false;
                tree.Put(node);
            }

            _fs.WriteBaseCommit(commit);
            foreach (var node in tree.Database.DirtyNodes())
            {
                tree.MarkDirty(node); // what stayed staged keeps its directories dirty
            }
        });

        foreach (var inode in spools)
        {
            _fs.DeleteSpoolAfterCommit(inode);
        }
    }

    private static string Short(ObjectId? id) => id is { } value ? value.ToString()[..12] : "no save";
}
