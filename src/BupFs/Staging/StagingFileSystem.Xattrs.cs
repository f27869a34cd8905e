// Extended attributes live in the node's bup record (tag 7, in the order they were set), as save
// records them. POSIX ACLs are stored by bup as text in their own record (tag 11); until staging
// converts the kernel's binary ACL values back to that text, setting them is refused (EOPNOTSUPP),
// which is what programs expect from a filesystem without ACL support.
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
        RefuseAcl(key);
        Locked(() => _tree.Database.InTransaction(() =>
        {
            var target = _tree.Get(node);
            var metadata = StagingTree.Changed(_tree.MetadataOf(target));
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
        RefuseAcl(key);
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

    private static void RefuseAcl(byte[] name)
    {
        if (name.AsSpan().SequenceEqual(ExtendedAttributes.AclAccess) || name.AsSpan().SequenceEqual(ExtendedAttributes.AclDefault))
        {
            throw new FsException(FsError.NotSupported, "POSIX ACLs cannot be staged yet");
        }
    }
}
