namespace BupFs;

/// <summary>
/// The write half of the neutral contract. A host asks for it once per mount: a filesystem that
/// does not implement it is read-only as a whole, and the host refuses every write with one
/// error (EROFS) without calling in.
/// </summary>
/// <remarks>
/// Names are raw bytes, as in <see cref="IFileSystem"/>. Operations that create a node return its
/// attributes and count as one <see cref="IFileSystem.Lookup"/> of it. Permission checks belong to
/// the host (FUSE's default_permissions, WinFsp's access checks); the filesystem checks only what
/// no host can (names, types, emptiness). Errors are <see cref="FsException"/>s; all members may be
/// called concurrently.
/// </remarks>
public interface IWritableFileSystem : IFileSystem
{
    /// <summary>Creates a regular file and opens it (O_CREAT|O_EXCL semantics: an existing name is Exists).</summary>
    CreatedFile Create(ulong parent, ReadOnlySpan<byte> name, uint permissions, OpenFlags flags, in FsCaller caller);

    /// <summary>Creates a directory.</summary>
    NodeAttributes MakeDirectory(ulong parent, ReadOnlySpan<byte> name, uint permissions, in FsCaller caller);

    /// <summary>Creates a fifo, socket or device node (<paramref name="rawDevice"/> in Linux dev_t form).</summary>
    NodeAttributes MakeNode(ulong parent, ReadOnlySpan<byte> name, NodeKind kind, uint permissions, ulong rawDevice, in FsCaller caller);

    /// <summary>Creates a symbolic link holding <paramref name="target"/>.</summary>
    NodeAttributes MakeSymlink(ulong parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, in FsCaller caller);

    /// <summary>Adds the name <paramref name="newName"/> in <paramref name="newParent"/> for <paramref name="node"/>.</summary>
    NodeAttributes Link(ulong node, ulong newParent, ReadOnlySpan<byte> newName);

    /// <summary>Removes a non-directory name.</summary>
    void Unlink(ulong parent, ReadOnlySpan<byte> name);

    /// <summary>Removes an empty directory.</summary>
    void RemoveDirectory(ulong parent, ReadOnlySpan<byte> name);

    /// <summary>Moves a name, as renameat2(2) does.</summary>
    void Rename(ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, RenameFlags flags);

    /// <summary>Changes attributes (chmod, chown, truncate, utimens) in one step and returns the result.</summary>
    NodeAttributes SetAttributes(ulong node, IFileHandle? handle, in AttributeChanges changes);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> (at the end for Append handles); returns the bytes written.</summary>
    int Write(IFileHandle handle, ReadOnlySpan<byte> data, long offset);

    /// <summary>close(2) of one descriptor of the handle: the place to report deferred write errors.</summary>
    void Flush(IFileHandle handle);

    /// <summary>fsync/fdatasync (and fsyncdir): what was written is on stable storage when this returns.</summary>
    void Sync(ulong node, IFileHandle? handle, bool dataOnly);

    /// <summary>Sets an extended attribute (POSIX ACLs arrive as system.posix_acl_access/default).</summary>
    void SetExtendedAttribute(ulong node, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, XattrSetMode mode);

    /// <summary>Removes an extended attribute; NoAttribute when absent.</summary>
    void RemoveExtendedAttribute(ulong node, ReadOnlySpan<byte> name);
}
