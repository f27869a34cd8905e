// Builds the Metadata bup 0.33 records for a live path: docs/formats/saved-trees.md, "What save
// records, and when"
// (metadata.py from_path with normalized=True, _add_common, _add_symlink_target,
// _add_posix1e_acl, _add_linux_attr, _add_linux_xattr).
using BupBackup.Posix.Interop;
using BupStore.Formats;

namespace BupBackup.Posix;

/// <summary>
/// Reads a path's metadata the way <c>bup save</c> does. Problems bup only reports (an unreadable
/// symlink, attr flags denied) go to the caller's warning list; other failures throw
/// <see cref="PosixException"/>. Thread-safe.
/// </summary>
public static class MetadataReader
{
    /// <summary>
    /// The metadata of <paramref name="path"/> (not following a final symlink).
    /// </summary>
    /// <param name="path">The filesystem path as bytes.</param>
    /// <param name="hardlinkTarget">The hardlink group key bup would record (the first path the index met
    /// for this inode when st_nlink &gt; 1, see docs/formats/saved-trees.md, "Hard links"), or null.</param>
    /// <param name="normalized">True (what save writes to .bupm): the size is kept only for regular files
    /// and symlinks. False (what bupindex.meta holds): every type keeps st_size.</param>
    /// <param name="warnings">Receives bup's non-fatal error messages; may be null.</param>
    /// <remarks>For regular files bup later replaces the size with the number of bytes it actually read.</remarks>
    public static BupMetadata FromPath(byte[] path, byte[]? hardlinkTarget = null, bool normalized = true, ICollection<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var status = PosixFiles.LStat(path);
        var metadata = FromStatus(status);
        if (status.FileType == PosixFileType.Symlink)
        {
            AddSymlinkTarget(path, metadata, warnings);
        }

        metadata.HardlinkTarget = hardlinkTarget;
        if (status.FileType != PosixFileType.Symlink && PosixAcls.IsAvailable)
        {
            metadata.Acl = PosixAcls.Read(path, status.FileType == PosixFileType.Directory);
        }

        if (status.FileType is PosixFileType.Regular or PosixFileType.Directory)
        {
            metadata.LinuxAttr = ReadLinuxAttr(path, warnings);
        }

        metadata.Xattrs = ReadXattrs(path);
        if (normalized && status.FileType is not (PosixFileType.Regular or PosixFileType.Symlink))
        {
            metadata.Size = null;
        }

        return metadata;
    }

    /// <summary>The common-record part of the metadata from an <c>lstat</c> result, with owner names looked up.</summary>
    public static BupMetadata FromStatus(FileStatus status)
    {
        var isDevice = status.FileType is PosixFileType.CharacterDevice or PosixFileType.BlockDevice;
        return new BupMetadata
        {
            Mode = status.Mode,
            Uid = status.Uid,
            Gid = status.Gid,
            User = UserDatabase.UserName(status.Uid) ?? [],
            Group = UserDatabase.GroupName(status.Gid) ?? [],
            // st_rdev is only meaningful (and stable across copies) for devices.
            Rdev = isDevice ? (long)status.Rdev : 0,
            Atime = status.Atime,
            Mtime = status.Mtime,
            Ctime = status.Ctime,
            Size = status.Size,
        };
    }

    private static void AddSymlinkTarget(byte[] path, BupMetadata metadata, ICollection<string>? warnings)
    {
        try
        {
            metadata.SymlinkTarget = PosixFiles.ReadLink(path);
            // The link may have changed since lstat; the size must describe the target we store.
            metadata.Size = metadata.SymlinkTarget.Length;
        }
        catch (PosixException e)
        {
            warnings?.Add($"readlink: {e.Message}");
        }
    }

    private static uint? ReadLinuxAttr(byte[] path, ICollection<string>? warnings)
    {
        try
        {
            return LinuxFileAttributes.Get(path) is var flags and not 0 ? flags : null;
        }
        catch (PosixException e) when (e.Errno == Errno.EACCES)
        {
            warnings?.Add($"read Linux attr: {e.Message}");
            return null;
        }
        catch (PosixException e) when (e.Errno is Errno.ENOTTY or Errno.ENOSYS or Errno.EOPNOTSUPP or Errno.EINVAL)
        {
            return null; // the filesystem has no such flags
        }
    }

    private static ExtendedAttribute[] ReadXattrs(byte[] path)
    {
        try
        {
            return [.. ExtendedAttributes.GetAll(path)];
        }
        catch (PosixException e) when (e.Errno == Errno.EOPNOTSUPP)
        {
            return [];
        }
    }
}
