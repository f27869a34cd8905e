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
    private readonly WriterOptions _options;
    private ObjectWriter? _objects;
    private ConcurrentObjectWriter? _current;
    private readonly Dictionary<ulong, (GitFileMode Mode, ObjectId Id)> _written = [];
    private readonly Dictionary<ulong, byte[]> _firstPath = [];
    private readonly List<string> _leftOut = [];

    /// <summary>A committer writing packs with <paramref name="options"/>.</summary>
    public StagingCommitter(StagingFileSystem fs, WriterOptions options)
    {
        _fs = fs;
        _options = options;
    }

    // The open pack writer; Publish ends it, and the next write starts another.
    private ConcurrentObjectWriter Writer => _current ??= new ConcurrentObjectWriter(_objects = _fs.Repository.CreateWriter(_options));

    /// <summary>
    /// Writes the save and moves the branch. When the branch moved since staging began, the staged
    /// changes are applied path by path onto its head; paths changed on both sides stop the commit
    /// (with <paramref name="ours"/>, the staged side is taken). Returns the commit id and the
    /// paths of files left out because they were open for writing.
    /// </summary>
    /// <exception cref="StagingException">Nothing staged (without <paramref name="allowEmpty"/>), or conflicts.</exception>
    public StagingCommitResult Commit(byte[] message, long? authorTime, bool allowEmpty, bool ours = false)
    {
        _fs.FlushSplits(); // content split after close is then stored, and the commit only writes trees
        try
        {
            return CommitLocked(message, authorTime, allowEmpty, ours);
        }
        finally
        {
            _objects?.Dispose(); // after a failure: the unfinished pack is dropped, nothing refers to it
            _objects = null;
            _current = null;
        }
    }

    private StagingCommitResult CommitLocked(byte[] message, long? authorTime, bool allowEmpty, bool ours)
    {
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
            ObjectId? head = _fs.Repository.Refs.TryRead(refName, out var id) ? id : null;
            var staged = WriteDirectory(root, []);
            var saved = head is { } moved && moved != baseCommit ? MergeOnto(baseCommit, staged, moved, ours) : staged;
            var commit = BupCommit.Write(Writer, saved, head ?? baseCommit ?? ObjectId.Zero, authorTime, message);
            Publish();
            MoveBranch(refName, commit, head);
            Rebase(commit, saved);
            return new StagingCommitResult(commit, saved, _leftOut);
        }
    }

    private ObjectId MergeOnto(ObjectId? baseCommit, ObjectId staged, ObjectId head, bool ours)
    {
        ObjectId? baseTree = baseCommit is { } b ? _fs.CommitTree(b) : null;
        Publish(); // the merge reads the staged tree back
        var merge = new TreeMerge(_fs.Base, Writer, ours);
        var merged = merge.Merge(baseTree, staged, _fs.CommitTree(head));
        if (merged is { } result && (ours || merge.Conflicts.Count == 0))
        {
            return result;
        }

        var shown = string.Join(", ", merge.Conflicts.Take(20)) + (merge.Conflicts.Count > 20 ? $" and {merge.Conflicts.Count - 20} more" : string.Empty);
        throw new StagingException(
            $"branch '{_fs.Area.Branch}' moved since staging began and these paths changed on both sides: {shown}; nothing was committed (commit with --ours to keep the staged versions)");
    }

    private void Publish()
    {
        if (_current is null)
        {
            return;
        }

        try
        {
            _current.Close();
        }
        finally
        {
            _objects!.Dispose();
            _objects = null;
            _current = null;
        }
    }

    private void MoveBranch(string refName, ObjectId commit, ObjectId? expected)
    {
        try
        {
            _fs.Repository.Refs.Update(refName, commit, expected ?? ObjectId.Zero, "bupfs commit");
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

        var treeId = SaveTreeWriter.Write(Writer, Record(tree.MetadataOf(listed), listed), entries);
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
                    return BlobSplitter.Split(Writer, stream);
                }

            case NodeKind.Symlink:
                return (GitFileMode.Symlink, Writer.Write(ObjectType.Blob, _fs.Tree.MetadataOf(node).SymlinkTarget ?? []));
            default:
                Writer.EnsureEmptyBlob(); // empty files, fifos, sockets and devices: their record says the rest
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

    // The rows now stand for the new save: every written or merged path takes its stored objects
    // as its base and is clean, spool files of stored content go, inode numbers stay. Files open
    // for writing stay staged, with their directories dirty.
    private void Rebase(ObjectId commit, ObjectId savedTree)
    {
        var tree = _fs.Tree;
        var resync = new TreeResync(tree, _fs.Base, _fs.IsOpenForWriting, _fs.Unlinked);
        tree.Database.InTransaction(() =>
        {
            resync.Directory(tree.Get(InodeNumbers.Root), savedTree, []);
            _fs.WriteBaseCommit(commit);
            foreach (var node in tree.Database.DirtyNodes())
            {
                tree.MarkDirty(node); // what stayed staged keeps its directories dirty
            }
        });

        foreach (var inode in resync.SpoolsToDelete)
        {
            _fs.DeleteSpoolAfterCommit(inode);
        }
    }
}
