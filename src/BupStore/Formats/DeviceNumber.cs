namespace BupStore.Formats;

/// <summary>
/// Linux's 64-bit dev_t as bup stores it in <see cref="BupMetadata.Rdev"/> (glibc's makedev,
/// gnu_dev_major, gnu_dev_minor): a 32-bit major and 32-bit minor, each split in two bit fields.
/// </summary>
public static class DeviceNumber
{
    /// <summary>The dev_t for a major/minor pair.</summary>
    public static ulong Make(uint major, uint minor) =>
        ((ulong)(major & 0xFFF) << 8) | ((ulong)(major & 0xFFFFF000) << 32)
        | (minor & 0xFFu) | ((ulong)(minor & 0xFFFFFF00) << 12);

    /// <summary>The major and minor numbers of <paramref name="device"/>.</summary>
    public static (uint Major, uint Minor) Split(ulong device) =>
        ((uint)(((device >> 8) & 0xFFF) | ((device >> 32) & 0xFFFFF000)),
         (uint)((device & 0xFF) | ((device >> 12) & 0xFFFFFF00)));
}
