using BupBackup.Posix;
using BupStore.Formats;

namespace BupBackup.Index;

/// <summary>
/// git's "racily clean" rule as bup applies it: an inode whose mtime or ctime is so recent that a
/// change made after it was examined could leave both timestamps as they were must not be trusted
/// by the next run (the record gets <see cref="IndexFlags.Racy"/>, which makes it stale).
/// </summary>
/// <remarks>
/// <para>The kernel stamps a change with its coarse clock, at most one tick (10 ms at HZ=100)
/// behind the real clock, truncated to the filesystem's granularity. A timestamp older than
/// (examination time − tick − granularity) is therefore safe: any later change gets a later one.
/// Timestamps with a zero nanosecond part are taken to come from a coarse filesystem (FAT's two
/// seconds, ext3's or HFS+'s one); any other from a fine one (ext4, xfs, btrfs, tmpfs: nanoseconds;
/// exFAT: 10 ms). bup trusts neither clock and uses one second for both; files written well before a
/// run are safe either way, and a tighter window re-reads fewer files changed just before one.</para>
/// <para>ctime counts as much as mtime: bup saves metadata, and a chmod, chown or xattr change moves
/// only the ctime.</para>
/// </remarks>
public static class RacyTimestamps
{
    /// <summary>Nanoseconds trusted on a fine-grained filesystem: several kernel ticks plus exFAT's 10 ms.</summary>
    public const long FineWindow = 50_000_000;

    /// <summary>Nanoseconds trusted for whole-second timestamps: FAT's two seconds plus the fine window.</summary>
    public const long CoarseWindow = 2_000_000_000 + FineWindow;

    /// <summary>The current time as a timespec, to pass as the examination time.</summary>
    public static BupTimespec Now() =>
        BupTimespec.FromUnixNanoseconds((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100);

    /// <summary>True when <paramref name="status"/>, examined at or after <paramref name="examined"/>, is racy.</summary>
    public static bool IsRacy(in FileStatus status, BupTimespec examined) =>
        IsRecent(status.Mtime, examined) || IsRecent(status.Ctime, examined);

    private static bool IsRecent(BupTimespec time, BupTimespec examined)
    {
        var window = time.Nanoseconds == 0 ? CoarseWindow : FineWindow;
        return time.ToUnixNanoseconds() >= examined.ToUnixNanoseconds() - window;
    }
}
