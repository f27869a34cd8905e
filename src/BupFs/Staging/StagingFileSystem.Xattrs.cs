// Extended attributes live in the node's bup record (tag 7, in the order they were set), as save
// records them. POSIX ACLs (system.posix_acl_access / _default) also need bup's text record (tag 11)
// and change the mode, so StagedAcl handles them; the kernel hands them over as plain xattrs because
// the FUSE host does not negotiate FUSE_POSIX_ACL (docs/formats/staging.md, "Extended attributes and POSIX ACLs").
using BupFs.Repo;
using BupStore.Formats;

namespace BupFs.Staging;

public sealed partial class StagingFileSystem
{
    /// <inheritdoc/>
    public IReadOnlyList<byte[]> ListExtendedAttributes(ulong node) => Locked(() =>
    {
        var target = _tree.Get(node);
        return (IReadOnlyList<byte[]>)ExtendedAttributes.Of(_tree.MetadataOf(target), target.Kind).Select(a => a.Name).ToList();
    });

    /// <inheritdoc/>
    public byte[] GetExtendedAttribute(ulong node, ReadOnlySpan<byte> name)
    {
        var copy = name.ToArray();
        return Locked(() =>
        {
            var target = _tree.Get(node);
            var all = ExtendedAttributes.Of(_tree.MetadataOf(target), target.Kind);
            var index = all.FindIndex(a => a.Name.AsSpan().SequenceEqual(copy));
            return index >= 0 ? all[index].Value : throw new FsException(FsError.NoAttribute);
        });
    }

    /// <inheritdoc/>
    public void SetExtendedAttribute(ulong node, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, XattrSetMode mode)
    {
        var key = name.ToArray();
        var data = value.ToArray();
        if (StagedAcl.IsAclName(key))
        {
            ChangeAcl(node, (metadata, kind) => StagedAcl.Set(metadata, kind, key, data, _options.UserNames));
            return;
        }

        Locked(() => _tree.Database.InTransaction(() =>
        {
            var target = _tree.Get(node);
            var metadata = StagingTree.Changed(_tree.MetadataOf(target));
            StagedAcl.AddMissingRaw(metadata, target.Kind);
            var list = metadata.Xattrs.ToList();
            var index = list.FindIndex(a => a.Name.AsSpan().SequenceEqual(key));
            if (index >= 0 && mode == XattrSetMode.CreateOnly)
            {
                throw new FsException(FsError.Exists);
            }

            if (index < 0 && mode == XattrSetMode.ReplaceOnly)
            {
                throw new FsException(FsError.NoAttribute);
            }

            var attribute = new ExtendedAttribute(key, data);
            if (index >= 0)
            {
                list[index] = attribute;
            }
            else
            {
                list.Add(attribute);
            }

            metadata.Xattrs = list;
            target.Metadata = metadata;
            _tree.MarkDirty(target);
        }));
    }

    /// <inheritdoc/>
    public void RemoveExtendedAttribute(ulong node, ReadOnlySpan<byte> name)
    {
        var key = name.ToArray();
        if (StagedAcl.IsAclName(key))
        {
            ChangeAcl(node, (metadata, kind) => StagedAcl.Remove(metadata, kind, key, _options.UserNames));
            return;
        }

        Locked(() => _tree.Database.InTransaction(() =>
        {
            var target = _tree.Get(node);
            var metadata = StagingTree.Changed(_tree.MetadataOf(target));
            var list = metadata.Xattrs.ToList();
            if (list.RemoveAll(a => a.Name.AsSpan().SequenceEqual(key)) == 0)
            {
                throw new FsException(FsError.NoAttribute);
            }

            metadata.Xattrs = list;
            target.Metadata = metadata;
            _tree.MarkDirty(target);
        }));
    }

    // The set mode (create / replace) does not apply: Linux turns ACL xattrs into set_acl calls,
    // which have no such flags. Symlinks have no ACLs on Linux (EOPNOTSUPP), and bup records none.
    private void ChangeAcl(ulong node, Action<BupMetadata, NodeKind> change) => Locked(() => _tree.Database.InTransaction(() =>
    {
        var target = _tree.Get(node);
        if (target.Kind == NodeKind.Symlink)
        {
            throw new FsException(FsError.NotSupported, "symlinks have no ACLs");
        }

        var metadata = StagingTree.Changed(_tree.MetadataOf(target));
        change(metadata, target.Kind);
        target.Metadata = metadata;
        _tree.MarkDirty(target);
    }));
}
