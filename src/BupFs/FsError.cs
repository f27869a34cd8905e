namespace BupFs;

/// <summary>
/// Platform-neutral filesystem errors. Hosts translate them (BupFs.Linux/ErrnoMap.cs to errno,
/// BupFs.Windows/NtStatusMap.cs to NTSTATUS); nothing in BupFs knows those numbers.
/// </summary>
public enum FsError
{
    /// <summary>No such file or directory.</summary>
    NotFound,

    /// <summary>A path component is not a directory.</summary>
    NotDirectory,

    /// <summary>The operation needs a non-directory.</summary>
    IsDirectory,

    /// <summary>The name already exists.</summary>
    Exists,

    /// <summary>The directory is not empty.</summary>
    NotEmpty,

    /// <summary>The filesystem (or this part of it) is read-only.</summary>
    ReadOnly,

    /// <summary>A name is longer than the filesystem allows.</summary>
    NameTooLong,

    /// <summary>An argument is not valid for this node (e.g. readlink on a file).</summary>
    InvalidArgument,

    /// <summary>The requested extended attribute does not exist.</summary>
    NoAttribute,

    /// <summary>A caller's buffer is too small for the answer.</summary>
    Range,

    /// <summary>The operation is not supported by this filesystem.</summary>
    NotSupported,

    /// <summary>Permission denied.</summary>
    AccessDenied,

    /// <summary>The handle is not (or no longer) valid.</summary>
    BadHandle,

    /// <summary>Out of space in the backing store.</summary>
    NoSpace,

    /// <summary>Stored data could not be read (missing or corrupt object).</summary>
    Io,

    /// <summary>Too many symbolic links were followed while resolving a path (a symlink loop).</summary>
    Loop,

    /// <summary>The operation is not permitted (EPERM: owner-only changes, links to directories).</summary>
    NotPermitted,

    /// <summary>A rename or link across filesystems or views.</summary>
    CrossDevice,

    /// <summary>The node has too many hard links.</summary>
    TooManyLinks,

    /// <summary>The file would grow beyond the largest size allowed.</summary>
    FileTooLarge,

    /// <summary>The node or the filesystem is busy (a mountpoint, a directory being committed).</summary>
    Busy,

    /// <summary>The user's disk quota is exhausted.</summary>
    QuotaExceeded,
}
