using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

/// <summary>setattr's FUSE_SET_ATTR_* mask in contract terms (fuse_lowlevel.h; docs/fuse-interop.md, "Decoding the requests").</summary>
public sealed unsafe class SetAttrDecodingTests
{
    private const int Mode = 1 << 0, Uid = 1 << 1, Gid = 1 << 2, Size = 1 << 3, ATime = 1 << 4, MTime = 1 << 5;
    private const int ATimeNow = 1 << 7, MTimeNow = 1 << 8, CTime = 1 << 10, KillSuid = 1 << 11;

    [Fact]
    public void OnlyTheFlaggedFieldsChange()
    {
        Stat stat = Sample();
        AttributeChanges changes = FuseOperations.AttributeChangesOf(&stat, Mode | MTime | CTime | KillSuid);
        Assert.Equal(0x9EDu, changes.Permissions); // type bits dropped, setuid kept
        Assert.Equal(new TimeChange(false, new FsTime(1_700_000_000, 123_456_789)), changes.ModifyTime);
        Assert.Null(changes.Uid);
        Assert.Null(changes.Gid);
        Assert.Null(changes.Size);
        Assert.Null(changes.AccessTime);
    }

    [Fact]
    public void NowBitsWinOverTheValues()
    {
        Stat stat = Sample();
        AttributeChanges changes = FuseOperations.AttributeChangesOf(&stat, ATime | ATimeNow | MTimeNow | Uid | Gid | Size);
        Assert.Equal(new TimeChange(true, default), changes.AccessTime);
        Assert.Equal(new TimeChange(true, default), changes.ModifyTime);
        Assert.Equal((1000u, 2000u, 4096L), (changes.Uid, changes.Gid, changes.Size));
    }

    [Fact]
    public void ImpossibleValuesAreInvalidArguments()
    {
        Stat stat = Sample();
        stat.Size = -1;
        Assert.Equal(FsError.InvalidArgument, Assert.Throws<FsException>(() => Decode(stat, Size)).Error);
        stat = Sample();
        stat.AccessTime.Nanoseconds = 1_000_000_000;
        Assert.Equal(FsError.InvalidArgument, Assert.Throws<FsException>(() => Decode(stat, ATime)).Error);
    }

    private static AttributeChanges Decode(Stat stat, int toSet) => FuseOperations.AttributeChangesOf(&stat, toSet);

    private static Stat Sample()
    {
        Stat stat = default;
        stat.Mode = 0x8000 | 0x9ED;
        stat.Uid = 1000;
        stat.Gid = 2000;
        stat.Size = 4096;
        stat.AccessTime = new Timespec { Seconds = 5, Nanoseconds = 6 };
        stat.ModifyTime = new Timespec { Seconds = 1_700_000_000, Nanoseconds = 123_456_789 };
        return stat;
    }
}
