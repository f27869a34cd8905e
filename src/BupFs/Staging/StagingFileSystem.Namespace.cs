// Creating, linking, removing and moving names. Each operation is one database transaction, so
// a crash leaves it done or not done; checks come before the first change.
using BupStore.Formats;

namespace BupFs.Staging;

public sealed partial class StagingFileSystem
{
    private const uint MaxLinks = 65000; // ext4's limit, which programs expect a local filesystem to have

    /// <inheritdoc/>
    public NodeAttributes MakeDirectory(ulong parent, ReadOnlySpan<byte> name, uint permissions, in FsCaller caller) =>
        MakeNode(parent, name, NodeKind.Directory, permissions, 0, caller);

    /// <inheritdoc/>
    public NodeAttributes MakeNode(ulong parent, ReadOnlySpan<byte> name, NodeKind kind, uint permissions, ulong rawDevice, in FsCaller caller)
    {
        var copy = name.ToArray();
        var metadata = NewMetadata(kind, permissions, caller);
        metadata.Rdev = kind is NodeKind.CharDevice or NodeKind.BlockDevice ? (long)rawDevice : 0;
        return CreateNamed(parent, copy, kind, metadata, 0);
    }

    /// <inheritdoc/>
    public NodeAttributes MakeSymlink(ulong parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, in FsCaller caller)
    {
        if (target.Length == 0 || target.Length > 4095)
        {
            throw new FsException(target.Length == 0 ? FsError.NotFound : FsError.NameTooLong);
        }

        var copy = name.ToArray();
        var metadata = NewMetadata(NodeKind.Symlink, 0x1FF, caller with { Umask = 0 });
        metadata.SymlinkTarget = target.ToArray();
        metadata.Size = target.Length;
        return CreateNamed(parent, copy, NodeKind.Symlink, metadata, target.Length);
    }

    /// <inheritdoc/>
    public NodeAttributes Link(ulong node, ulong newParent, ReadOnlySpan<byte> newName)
    {
        var copy = newName.ToArray();
        return Locked(() => _tree.Database.InTransaction(() =>
        {
            var target = _tree.Get(node);
            if (target.Kind == NodeKind.Directory)
            {
                throw new FsException(FsError.NotPermitted, "hard links to directories are not allowed");
            }

            if (target.LinkCount >= MaxLinks)
            {
                throw new FsException(FsError.TooManyLinks);
            }

            var directory = _tree.Directory(newParent);
            _tree.CheckNewName(directory, copy);
            target.LinkCount++;
            target.Metadata = StagingTree.Changed(_tree.MetadataOf(target));
            _tree.AddName(directory, copy, target);
            _tree.MarkDirty(target);
            AddLookup(target.Inode);
            return AttributesOf(target);
        }));
    }

    /// <inheritdoc/>
    public void Unlink(ulong parent, ReadOnlySpan<byte> name)
    {
        var copy = name.ToArray();
        Locked(() => _tree.Database.InTransaction(() =>
        {
            var directory = _tree.Directory(parent);
            var node = _tree.Find(directory, copy) ?? throw new FsException(FsError.NotFound);
            if (node.Kind == NodeKind.Directory)
            {
                throw new FsException(FsError.IsDirectory);
            }

            if (_tree.RemoveName(directory, copy, node))
            {
                DropIfUnused(node.Inode);
            }
        }));
    }

    /// <inheritdoc/>
    public void RemoveDirectory(ulong parent, ReadOnlySpan<byte> name)
    {
        var copy = name.ToArray();
        Locked(() => _tree.Database.InTransaction(() =>
        {
            var directory = _tree.Directory(parent);
            var node = _tree.Find(directory, copy) ?? throw new FsException(FsError.NotFound);
            if (node.Kind != NodeKind.Directory)
            {
                throw new FsException(FsError.NotDirectory);
            }

            CheckEmpty(node);
            _tree.RemoveName(directory, copy, node);
            DropIfUnused(node.Inode);
        }));
    }

    /// <inheritdoc/>
    public void Rename(ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, RenameFlags flags)
    {
        if (flags == (RenameFlags.NoReplace | RenameFlags.Exchange))
        {
            throw new FsException(FsError.InvalidArgument);
        }

        var from = name.ToArray();
        var to = newName.ToArray();
        Locked(() => _tree.Database.InTransaction(() => RenameLocked(parent, from, newParent, to, flags)));
    }

    private void RenameLocked(ulong parent, byte[] from, ulong newParent, byte[] to, RenameFlags flags)
    {
        var source = _tree.Directory(parent);
        var node = _tree.Find(source, from) ?? throw new FsException(FsError.NotFound);
        var target = _tree.Directory(newParent);
        StagingTree.CheckName(to);
        _tree.CheckWritable(source);
        _tree.CheckWritable(target);
        var existing = _tree.Find(target, to);
        if (existing is not null && existing.Inode == node.Inode)
        {
            return; // two names of one node: rename(2) does nothing
        }

        if (node.Kind == NodeKind.Directory && _tree.IsAncestor(node.Inode, target.Inode))
        {
            throw new FsException(FsError.InvalidArgument, "cannot move a directory into itself");
        }

        if ((flags & RenameFlags.Exchange) != 0)
        {
            Exchange(source, from, node, target, to, existing ?? throw new FsException(FsError.NotFound));
            return;
        }

        if (existing is not null)
        {
            ReplaceTarget(target, to, node, existing, flags);
        }

        _tree.Database.RemoveEntry(source.Inode, from);
        _tree.AddName(target, to, node);
        _tree.Touch(source);
        node.Metadata = StagingTree.Changed(_tree.MetadataOf(node));
        _tree.MarkDirty(node);
    }

    private void ReplaceTarget(StagedNode directory, byte[] name, StagedNode node, StagedNode existing, RenameFlags flags)
    {
        if ((flags & RenameFlags.NoReplace) != 0)
        {
            throw new FsException(FsError.Exists);
        }

        if (node.Kind == NodeKind.Directory && existing.Kind != NodeKind.Directory)
        {
            throw new FsException(FsError.NotDirectory);
        }

        if (node.Kind != NodeKind.Directory && existing.Kind == NodeKind.Directory)
        {
            throw new FsException(FsError.IsDirectory);
        }

        if (existing.Kind == NodeKind.Directory)
        {
            CheckEmpty(existing);
        }

        if (_tree.RemoveName(directory, name, existing))
        {
            DropIfUnused(existing.Inode);
        }
    }

    private void Exchange(StagedNode source, byte[] from, StagedNode node, StagedNode target, byte[] to, StagedNode other)
    {
        if (other.Kind == NodeKind.Directory && _tree.IsAncestor(other.Inode, source.Inode))
        {
            throw new FsException(FsError.InvalidArgument, "cannot move a directory into itself");
        }

        _tree.Database.RemoveEntry(source.Inode, from);
        _tree.Database.RemoveEntry(target.Inode, to);
        _tree.Database.AddEntry(source.Inode, from, other.Inode);
        _tree.Database.AddEntry(target.Inode, to, node.Inode);
        _tree.Touch(source);
        _tree.Touch(_tree.Get(target.Inode));
        foreach (var moved in new[] { node, other })
        {
            moved.Metadata = StagingTree.Changed(_tree.MetadataOf(moved));
            _tree.MarkDirty(moved);
        }
    }

    private void CheckEmpty(StagedNode directory)
    {
        var listed = _tree.Directory(directory.Inode);
        if (_tree.Database.HasChildren(listed.Inode))
        {
            throw new FsException(FsError.NotEmpty);
        }
    }

    private NodeAttributes CreateNamed(ulong parent, byte[] name, NodeKind kind, BupMetadata metadata, long size) =>
        Locked(() => _tree.Database.InTransaction(() =>
        {
            var directory = _tree.Directory(parent);
            var node = _tree.Create(directory, name, kind, metadata, size);
            AddLookup(node.Inode);
            return AttributesOf(node);
        }));

    // A new node's record, as save would record it: the caller's ids and names, times now.
    private BupMetadata NewMetadata(NodeKind kind, uint permissions, in FsCaller caller)
    {
        var now = StagingTree.Now();
        return new BupMetadata
        {
            Mode = Repo.MetadataAttributes.TypeBits(kind) | (permissions & 0xFFF & ~caller.Umask),
            Uid = caller.Uid,
            Gid = caller.Gid,
            User = _options.UserNames?.UserName(caller.Uid) ?? [],
            Group = _options.UserNames?.GroupName(caller.Gid) ?? [],
            Atime = now,
            Mtime = now,
            Ctime = now,
            Size = kind == NodeKind.Directory ? null : 0,
        };
    }
}
