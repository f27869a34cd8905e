namespace BupFs.Linux;

/// <summary>Why a mount or unmount was refused or failed; carried by <see cref="MountException"/>.</summary>
public enum MountFailure
{
    /// <summary>libfuse3 (libfuse3.so.3, 3.12 or newer) is not installed or not usable.</summary>
    LibraryMissing,

    /// <summary>/dev/fuse is missing, or neither root nor fusermount3 can open it.</summary>
    DeviceMissing,

    /// <summary>The mount point does not exist.</summary>
    MountPointMissing,

    /// <summary>The mount point exists but is not a directory.</summary>
    NotADirectory,

    /// <summary>Something is already mounted on the mount point.</summary>
    AlreadyMounted,

    /// <summary>A FUSE mount whose daemon is gone is still on the mount point.</summary>
    StaleMount,

    /// <summary>Nothing is mounted on the path given to unmount.</summary>
    NotMounted,

    /// <summary>The path given to unmount holds a mount that is not a FUSE mount.</summary>
    NotFuseMount,

    /// <summary>libfuse refused the options or the kernel refused the mount.</summary>
    MountFailed,

    /// <summary>The mount or unmount did not finish in time.</summary>
    Timeout,

    /// <summary>The unmount command failed.</summary>
    UnmountFailed,
}
