namespace BupFs;

/// <summary>
/// The attribute changes of one request (FUSE setattr; WinFsp SetBasicInfo, SetFileSize and
/// SetSecurity): each null member stays as it is.
/// </summary>
public readonly record struct AttributeChanges
{
    /// <summary>New permission bits (07777), or null.</summary>
    public uint? Permissions { get; init; }

    /// <summary>New owner, or null.</summary>
    public uint? Uid { get; init; }

    /// <summary>New group, or null.</summary>
    public uint? Gid { get; init; }

    /// <summary>New size of a regular file (truncate), or null.</summary>
    public long? Size { get; init; }

    /// <summary>New access time, or null.</summary>
    public TimeChange? AccessTime { get; init; }

    /// <summary>New modification time, or null.</summary>
    public TimeChange? ModifyTime { get; init; }
}
