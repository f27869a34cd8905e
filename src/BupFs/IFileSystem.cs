namespace BupFs;

/// <summary>
/// The platform-neutral, node-addressed filesystem contract that hosts (libfuse3 low-level API,
/// WinFsp) call. Nodes are named by 64-bit ids that are also the inode numbers users see;
/// <see cref="RootNode"/> is the root. Names are raw bytes: no encoding is assumed.
/// </summary>
/// <remarks>
/// Errors are reported by throwing <see cref="FsException"/>; any other exception means an
/// internal failure and hosts answer it as an I/O error. All members may be called concurrently
/// from several host threads.
///
/// Lookup counting: every successful <see cref="Lookup"/> (and every entry a host hands to the
/// kernel from <see cref="ReadDirectory"/> as a "plus" entry) makes the node known to the host
/// once; <see cref="Forget"/> returns those references. A node stays addressable by its id while
/// the host holds references or an open handle; after that the filesystem may drop it.
/// </remarks>
public interface IFileSystem
{
    /// <summary>The id of the root directory (1, as FUSE_ROOT_ID).</summary>
    ulong RootNode { get; }

    /// <summary>Finds <paramref name="name"/> in directory <paramref name="parent"/>.</summary>
    /// <returns>The child's attributes; its <see cref="NodeAttributes.Inode"/> is its node id.</returns>
    /// <exception cref="FsException">NotFound, NotDirectory, NameTooLong, Io.</exception>
    NodeAttributes Lookup(ulong parent, ReadOnlySpan<byte> name);

    /// <summary>Returns <paramref name="count"/> lookup references to <paramref name="node"/>.</summary>
    void Forget(ulong node, ulong count);

    /// <summary>The attributes of a node the host knows.</summary>
    NodeAttributes GetAttributes(ulong node);

    /// <summary>
    /// The whole listing of a directory, without "." and "..", in a stable order. Hosts page
    /// through it by index, so two calls for an unchanged directory must return the same order.
    /// </summary>
    IReadOnlyList<DirectoryEntry> ReadDirectory(ulong node);

    /// <summary>Opens a file.</summary>
    /// <exception cref="FsException">IsDirectory, ReadOnly (write access asked of a read-only view), Io.</exception>
    IFileHandle Open(ulong node, OpenFlags flags);

    /// <summary>
    /// Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>. Returns the number of
    /// bytes read: less than asked only at end of file, 0 at or past it.
    /// </summary>
    int Read(IFileHandle handle, Span<byte> buffer, long offset);

    /// <summary>Closes a handle; called exactly once per successful <see cref="Open"/>.</summary>
    void Release(IFileHandle handle);

    /// <summary>The target of a symbolic link, as raw bytes.</summary>
    /// <exception cref="FsException">InvalidArgument when the node is not a symlink.</exception>
    byte[] ReadLink(ulong node);

    /// <summary>The names of the node's extended attributes (ACLs as system.posix_acl_*).</summary>
    IReadOnlyList<byte[]> ListExtendedAttributes(ulong node);

    /// <summary>The value of one extended attribute.</summary>
    /// <exception cref="FsException">NoAttribute when the node has no such attribute.</exception>
    byte[] GetExtendedAttribute(ulong node, ReadOnlySpan<byte> name);

    /// <summary>Filesystem-wide statistics.</summary>
    FsStatistics GetStatistics();
}
