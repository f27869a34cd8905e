// Creates the filesystem node for a restored entry, as bup restore does before writing content
// and applying metadata (metadata.py _create_via_common_rec; cmd/restore.py hardlink_if_possible).
using BupBackup.Posix.Interop;
using BupStore.Formats;
using BupStore.Objects;
using Microsoft.Win32.SafeHandles;

namespace BupBackup.Posix;

/// <summary>
/// Creates empty nodes of every type bup records: regular files (left open for the content),
/// directories, symlinks, FIFOs, devices and sockets; and hard links. Nodes are created with
/// owner-only permissions; <see cref="MetadataApplier"/> sets the real ones afterwards.
/// Stateless and thread-safe.
/// </summary>
public static unsafe class NodeCreator
{
    private const uint PrivateMode = 0x180;    // 0o600
    private const uint PrivateDirMode = 0x1C0; // 0o700
    private const int UnixSocketFamily = 1;    // AF_UNIX
    private const int StreamSocket = 1;        // SOCK_STREAM
    private const int SunPathLength = 108;     // sizeof(sockaddr_un.sun_path)

    /// <summary>
    /// Replaces whatever is at <paramref name="path"/> by a new empty node of the type in
    /// <paramref name="metadata"/>: an existing directory is removed only if empty, anything else is
    /// unlinked. A regular file's handle is returned open for writing its content (the caller
    /// disposes it); other types return null. A symlink without a recorded target is not created.
    /// </summary>
    /// <exception cref="IOException">A non-empty directory is in the way.</exception>
    /// <exception cref="InvalidDataException">The mode is 0 or of an unknown type.</exception>
    public static SafeFileHandle? Create(byte[] path, BupMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Mode == 0)
        {
            throw new InvalidDataException($"no metadata - cannot create path {NameText.Display(path)}");
        }

        RemoveExisting(path);
        switch (metadata.FileType)
        {
            case PosixFileType.Regular: return PosixFiles.CreateExclusive(path, PrivateMode);
            case PosixFileType.Directory: PosixFiles.Mkdir(path, PrivateDirMode); break;
            case PosixFileType.CharacterDevice or PosixFileType.BlockDevice:
                PosixFiles.Mknod(path, PrivateMode | (uint)metadata.FileType, (ulong)metadata.Rdev);
                break;
            case PosixFileType.Fifo: PosixFiles.Mkfifo(path, PrivateMode); break;
            case PosixFileType.Socket: CreateSocket(path); break;
            case PosixFileType.Symlink when metadata.SymlinkTarget is { Length: > 0 } target:
                PosixFiles.Symlink(target, path);
                break;
            case PosixFileType.Symlink: break;
            default:
                throw new InvalidDataException($"not creating \"{NameText.Display(path)}\" with unrecognized mode 0x{metadata.Mode:x}");
        }

        return null;
    }

    /// <summary>Makes <paramref name="path"/> a hard link to the already restored <paramref name="existing"/>.</summary>
    public static void Link(byte[] existing, byte[] path) => PosixFiles.Link(existing, path);

    private static void RemoveExisting(byte[] path)
    {
        if (PosixFiles.TryLStat(path) is not { } status)
        {
            return;
        }

        if (status.FileType != PosixFileType.Directory)
        {
            PosixFiles.Unlink(path);
            return;
        }

        try
        {
            PosixFiles.Rmdir(path);
        }
        catch (PosixException e) when (e.Errno is Errno.ENOTEMPTY or Errno.EEXIST)
        {
            throw new IOException($"refusing to overwrite non-empty dir {NameText.Display(path)}", e);
        }
    }

    // Linux lets mknod make socket nodes; where it refuses, binding a Unix socket creates one.
    private static void CreateSocket(byte[] path)
    {
        try
        {
            PosixFiles.Mknod(path, PrivateMode | (uint)PosixFileType.Socket, 0);
        }
        catch (PosixException e) when (e.Errno is Errno.EINVAL or Errno.EPERM)
        {
            BindSocket(path);
        }
    }

    internal static void BindSocket(byte[] path)
    {
        if (path.Length >= SunPathLength)
        {
            throw new PosixException("bind", path, Errno.EINVAL);
        }

        var address = new byte[2 + SunPathLength];
        address[0] = UnixSocketFamily; // sun_family, little-endian ushort
        path.CopyTo(address, 2);
        var fd = LibC.Socket(UnixSocketFamily, StreamSocket, 0);
        if (fd < 0)
        {
            throw PosixException.Last("socket", path);
        }

        try
        {
            fixed (byte* a = address)
            {
                if (LibC.Bind(fd, a, (uint)(2 + path.Length + 1)) != 0)
                {
                    throw PosixException.Last("bind", path);
                }
            }
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }
}
