namespace BupFs.Linux;

/// <summary>One line of /proc/self/mountinfo, reduced to what the host needs.</summary>
/// <param name="Device">The mount's st_dev as "major:minor" (also its bdi and fusectl name).</param>
/// <param name="MountPoint">Where it is mounted, unescaped.</param>
/// <param name="FsType">The filesystem type, "fuse.&lt;subtype&gt;" for FUSE mounts with a subtype.</param>
/// <param name="Source">The mount source (FUSE: the fsname).</param>
internal sealed record MountEntry(string Device, string MountPoint, string FsType, string Source)
{
    /// <summary>True for FUSE mounts (fuse, fuse.*, fuseblk).</summary>
    public bool IsFuse => FsType is "fuse" or "fuseblk" || FsType.StartsWith("fuse.", StringComparison.Ordinal);

    /// <summary>The minor device number: the connection's name under /sys/fs/fuse/connections.</summary>
    public string DeviceMinor => Device[(Device.IndexOf(':', StringComparison.Ordinal) + 1)..];
}
