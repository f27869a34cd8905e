using System.Runtime.InteropServices;
using BupBackup.Index.Interop;
using BupBackup.Posix;
using BupBackup.Posix.Interop;

namespace BupBackup.Index;

/// <summary>
/// An open directory stream (<c>DIR*</c>) whose descriptor also serves for lstat of its entries by
/// name, so that the kernel resolves one name per entry instead of a whole path.
/// </summary>
/// <remarks>Reading names is not thread-safe; <see cref="LStat"/> may be called from several threads.</remarks>
internal sealed unsafe class DirectoryHandle : SafeHandle
{
    private readonly byte[] _path;
    private readonly int _fd;

    private DirectoryHandle(nint dir, int fd, byte[] path)
        : base(0, ownsHandle: true)
    {
        SetHandle(dir);
        _fd = fd;
        _path = path;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Opens directory <paramref name="path"/> (the form system calls take). A final symlink is not
    /// followed: a directory replaced by a symlink since it was lstat'ed fails instead of listing
    /// whatever the link points to.
    /// </summary>
    /// <exception cref="PosixException">The directory cannot be opened.</exception>
    public static DirectoryHandle Open(byte[] path)
    {
        var flags = OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.CloseOnExec;
        var fd = PosixFiles.Open(path, flags, 0, "opendir");
        var dir = DirectoryNative.FdOpenDir(fd);
        if (dir == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = LibC.Close(fd);
            throw new PosixException("opendir", path, errno);
        }

        return new DirectoryHandle(dir, fd, path);
    }

    /// <summary>The names in the directory, without "." and "..", in readdir order.</summary>
    /// <exception cref="PosixException">Reading the directory failed.</exception>
    public List<byte[]> ReadNames()
    {
        var names = new List<byte[]>();
        while (true)
        {
            Marshal.SetLastPInvokeError(0);
            var entry = DirectoryNative.ReadDir(handle);
            if (entry == null)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == 0 ? names : throw new PosixException("readdir", _path, errno);
            }

            var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + DirectoryNative.NameOffset);
            if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
            {
                names.Add(name.ToArray());
            }
        }
    }

    /// <summary>lstat of entry <paramref name="name"/>; null when it vanished. Thread-safe.</summary>
    /// <exception cref="PosixException">The entry cannot be examined.</exception>
    public FileStatus? LStat(ReadOnlySpan<byte> name)
    {
        var added = false;
        try
        {
            DangerousAddRef(ref added);
            return PosixFiles.TryLStatAt(_fd, name, _path);
        }
        finally
        {
            if (added)
            {
                DangerousRelease();
            }
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => DirectoryNative.CloseDir(handle) == 0;
}
