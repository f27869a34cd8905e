using BupBackup.Index;
using BupBackup.Posix;
using BupBackup.Tests.Save;
using BupStore.Formats;

namespace BupBackup.Tests.Index;

/// <summary>
/// The racy rule: only timestamps within the filesystem's granularity (plus a clock tick) of the
/// index run are distrusted; files written well before a run are not.
/// </summary>
public sealed class RacyTimestampsTests : IDisposable
{
    private readonly BackupWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static BupTimespec At(long seconds, uint nanoseconds) => new(seconds, nanoseconds);

    [Fact]
    public void The_window_is_a_few_ticks_for_fine_timestamps_and_two_seconds_for_whole_ones()
    {
        var now = At(1_700_000_100, 500_000_000);
        FileStatus Both(BupTimespec t) => new() { Mtime = t, Ctime = t };
        Assert.True(RacyTimestamps.IsRacy(Both(At(1_700_000_100, 460_000_000)), now));
        Assert.False(RacyTimestamps.IsRacy(Both(At(1_700_000_100, 440_000_000)), now));
        Assert.False(RacyTimestamps.IsRacy(Both(At(1_700_000_099, 900_000_000)), now));
        Assert.True(RacyTimestamps.IsRacy(Both(At(1_700_000_099, 0)), now)); // maybe a 1 s or 2 s filesystem
        Assert.False(RacyTimestamps.IsRacy(Both(At(1_700_000_098, 0)), now)); // even on FAT a later change gets 100.0
        Assert.True(RacyTimestamps.IsRacy(Both(At(1_700_000_098, 0)), At(1_700_000_100, 40_000_000))); // FAT's clock may still say 98
        var old = At(1_600_000_000, 1);
        Assert.True(RacyTimestamps.IsRacy(new FileStatus { Mtime = old, Ctime = At(1_700_000_100, 499_000_000) }, now));
        Assert.True(RacyTimestamps.IsRacy(new FileStatus { Mtime = At(1_700_000_100, 499_000_000), Ctime = old }, now));
    }

    [Fact]
    public void Files_written_well_before_a_run_are_not_racy_and_recent_ones_are_until_a_later_run()
    {
        var old = _ws.Write("old.txt", "o");
        Thread.Sleep(200);
        // A timestamp half a second ahead stays recent however slowly the run starts (a machine under load).
        var recent = _ws.Write("recent.txt", "r");
        File.SetLastWriteTimeUtc(recent, DateTime.UtcNow.AddMilliseconds(500));
        _ws.Index();
        Assert.False(_ws.Record(old).Flags.HasFlag(IndexFlags.Racy));
        Assert.True(_ws.Record(recent).Flags.HasFlag(IndexFlags.Racy));

        Thread.Sleep(700);
        var second = _ws.Index();
        Assert.False(_ws.Record(recent).Flags.HasFlag(IndexFlags.Racy));
        Assert.False(_ws.Record(old).Flags.HasFlag(IndexFlags.Racy));
        Assert.True(second.Changed >= 1, "the racy record is examined again");
    }
}
