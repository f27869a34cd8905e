using System.Text;
using BupFs;
using Conformance.Model;

namespace Conformance.Drivers;

/// <summary>
/// Runs the cases on the contract in-process: paths are resolved by <see cref="IFileSystem.Lookup"/>
/// from the root, and each operation is the one call a host would make for the system call. A
/// filesystem that is not an <see cref="IWritableFileSystem"/> is refused every write with
/// <see cref="FsError.ReadOnly"/>, as IWritableFileSystem's remarks say hosts do.
/// </summary>
internal sealed class DirectDriver(IFileSystem fs, FsCaller caller) : IFsUnderTest
{
    private IWritableFileSystem Writable => fs as IWritableFileSystem ?? throw new FsException(FsError.ReadOnly);

    public IOpenFile Open(string path, OpenMode mode, uint permissions = 0x1A4)
    {
        (ulong parent, byte[] name) = Parent(path);
        OpenFlags flags = Flags(mode);
        if ((mode & (OpenMode.Write | OpenMode.Create | OpenMode.Truncate | OpenMode.Append)) != 0)
        {
            _ = Writable;
        }

        NodeAttributes? existing = Find(parent, name);
        if (existing is null)
        {
            return mode.HasFlag(OpenMode.Create)
                ? new DirectOpenFile(fs, Writable.Create(parent, name, permissions, flags, caller).Handle)
                : throw new FsException(FsError.NotFound);
        }

        if (mode.HasFlag(OpenMode.Create | OpenMode.Exclusive))
        {
            throw new FsException(FsError.Exists);
        }

        if (existing.Value.Kind == NodeKind.Directory && (mode & OpenMode.Write) != 0)
        {
            throw new FsException(FsError.IsDirectory); // the kernel's own check in open(2)
        }

        return new DirectOpenFile(fs, fs.Open(existing.Value.Inode, flags));
    }

    public FsStat Stat(string path)
    {
        NodeAttributes a = path.Length == 0 ? fs.GetAttributes(fs.RootNode) : fs.Lookup(Parent(path).Node, Parent(path).Name);
        return new FsStat(a.Kind, a.Mode & 0xFFF, a.Size, a.LinkCount, a.Inode, a.Uid, a.Gid, a.AccessTime, a.ModifyTime);
    }

    public void MakeDirectory(string path, uint permissions = 0x1ED) => Writable.MakeDirectory(Parent(path).Node, Parent(path).Name, permissions, caller);

    public void RemoveDirectory(string path) => Writable.RemoveDirectory(Parent(path).Node, Parent(path).Name);

    public void Unlink(string path) => Writable.Unlink(Parent(path).Node, Parent(path).Name);

    public void Rename(string from, string to, RenameFlags flags = RenameFlags.None)
    {
        var writable = Writable;
        (ulong fromParent, byte[] fromName) = Parent(from);
        (ulong toParent, byte[] toName) = Parent(to);
        writable.Rename(fromParent, fromName, toParent, toName, flags);
    }

    public void Link(string existing, string newPath) => Writable.Link(Node(existing), Parent(newPath).Node, Parent(newPath).Name);

    public void Symlink(string target, string path) =>
        Writable.MakeSymlink(Parent(path).Node, Parent(path).Name, Encoding.UTF8.GetBytes(target), caller);

    public string ReadLink(string path) => Encoding.UTF8.GetString(fs.ReadLink(Node(path)));

    public void MakeFifo(string path) => Writable.MakeNode(Parent(path).Node, Parent(path).Name, NodeKind.Fifo, 0x1A4, 0, caller);

    public void Truncate(string path, long size) => Change(path, new AttributeChanges { Size = size });

    public void Chmod(string path, uint permissions) => Change(path, new AttributeChanges { Permissions = permissions });

    public void Chown(string path, uint uid, uint gid) => Change(path, new AttributeChanges { Uid = uid, Gid = gid });

    public void SetTimes(string path, FsTime access, FsTime modify) =>
        Change(path, new AttributeChanges { AccessTime = new TimeChange(false, access), ModifyTime = new TimeChange(false, modify) });

    public void SetXattr(string path, string name, byte[] value, XattrSetMode mode) =>
        Writable.SetExtendedAttribute(Node(path), Encoding.UTF8.GetBytes(name), value, mode);

    public byte[] GetXattr(string path, string name) => fs.GetExtendedAttribute(Node(path), Encoding.UTF8.GetBytes(name));

    public IReadOnlyList<string> ListXattrs(string path) =>
        [.. fs.ListExtendedAttributes(Node(path)).Select(n => Encoding.UTF8.GetString(n)).Order(StringComparer.Ordinal)];

    public void RemoveXattr(string path, string name) => Writable.RemoveExtendedAttribute(Node(path), Encoding.UTF8.GetBytes(name));

    public IReadOnlyList<string> ReadDirectory(string path) =>
        [.. fs.ReadDirectory(Node(path)).Select(e => Encoding.UTF8.GetString(e.Name)).Order(StringComparer.Ordinal)];

    private static OpenFlags Flags(OpenMode mode)
    {
        OpenFlags flags = 0;
        flags |= mode.HasFlag(OpenMode.Read) ? OpenFlags.Read : 0;
        flags |= mode.HasFlag(OpenMode.Write) ? OpenFlags.Write : 0;
        flags |= mode.HasFlag(OpenMode.Append) ? OpenFlags.Append : 0;
        flags |= mode.HasFlag(OpenMode.Truncate) ? OpenFlags.Truncate : 0;
        return flags;
    }

    private void Change(string path, in AttributeChanges changes) => Writable.SetAttributes(Node(path), null, changes);

    private NodeAttributes? Find(ulong parent, byte[] name)
    {
        try
        {
            return fs.Lookup(parent, name);
        }
        catch (FsException e) when (e.Error == FsError.NotFound)
        {
            return null;
        }
    }

    private ulong Node(string path) => path.Length == 0 ? fs.RootNode : fs.Lookup(Parent(path).Node, Parent(path).Name).Inode;

    private (ulong Node, byte[] Name) Parent(string path)
    {
        string[] parts = path.Split('/');
        ulong node = fs.RootNode;
        foreach (string part in parts[..^1])
        {
            node = fs.Lookup(node, Encoding.UTF8.GetBytes(part)).Inode;
        }

        return (node, Encoding.UTF8.GetBytes(parts[^1]));
    }
}
