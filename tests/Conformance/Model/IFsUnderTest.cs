using BupFs;

namespace Conformance.Model;

/// <summary>
/// A filesystem under test, addressed by '/'-separated paths relative to its root. Every failure is
/// an <see cref="FsException"/> carrying the neutral <see cref="FsError"/>: the direct driver passes
/// the contract's own, a mount driver translates the host's error code (errno, NTSTATUS) back. Paths
/// never follow a final symlink (lstat semantics), so cases see links themselves.
/// </summary>
public interface IFsUnderTest
{
    /// <summary>open(2).</summary>
    IOpenFile Open(string path, OpenMode mode, uint permissions = 0x1A4);

    /// <summary>lstat(2).</summary>
    FsStat Stat(string path);

    /// <summary>mkdir(2).</summary>
    void MakeDirectory(string path, uint permissions = 0x1ED);

    /// <summary>rmdir(2).</summary>
    void RemoveDirectory(string path);

    /// <summary>unlink(2).</summary>
    void Unlink(string path);

    /// <summary>renameat2(2).</summary>
    void Rename(string from, string to, RenameFlags flags = RenameFlags.None);

    /// <summary>link(2).</summary>
    void Link(string existing, string newPath);

    /// <summary>symlink(2): <paramref name="path"/> becomes a link holding <paramref name="target"/>.</summary>
    void Symlink(string target, string path);

    /// <summary>readlink(2).</summary>
    string ReadLink(string path);

    /// <summary>mknod(2) of a fifo.</summary>
    void MakeFifo(string path);

    /// <summary>truncate(2).</summary>
    void Truncate(string path, long size);

    /// <summary>chmod(2).</summary>
    void Chmod(string path, uint permissions);

    /// <summary>lchown(2).</summary>
    void Chown(string path, uint uid, uint gid);

    /// <summary>utimensat(2) with both times given.</summary>
    void SetTimes(string path, FsTime access, FsTime modify);

    /// <summary>lsetxattr(2).</summary>
    void SetXattr(string path, string name, byte[] value, XattrSetMode mode);

    /// <summary>lgetxattr(2).</summary>
    byte[] GetXattr(string path, string name);

    /// <summary>llistxattr(2).</summary>
    IReadOnlyList<string> ListXattrs(string path);

    /// <summary>lremovexattr(2).</summary>
    void RemoveXattr(string path, string name);

    /// <summary>The names in a directory, without "." and "..", sorted ordinally.</summary>
    IReadOnlyList<string> ReadDirectory(string path);
}
