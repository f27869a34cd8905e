using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

/// <summary>Pins every struct mirror to the sizes and offsets listed in docs/fuse-interop.md, "Layouts (x86_64, glibc, libfuse 3.14)".</summary>
public sealed class InteropLayoutTests
{
    [Fact]
    public void TimespecIs16Bytes()
    {
        Assert.Equal(16, Unsafe.SizeOf<Timespec>());
        Assert.Equal(8, Offset<Timespec>(nameof(Timespec.Nanoseconds)));
    }

    [Fact]
    public void StatMatchesGlibcX64()
    {
        Assert.Equal(144, Unsafe.SizeOf<Stat>());
        (string Field, int Offset)[] expected =
        [
            (nameof(Stat.Device), 0), (nameof(Stat.Inode), 8), (nameof(Stat.LinkCount), 16), (nameof(Stat.Mode), 24),
            (nameof(Stat.Uid), 28), (nameof(Stat.Gid), 32), (nameof(Stat.RawDevice), 40), (nameof(Stat.Size), 48),
            (nameof(Stat.BlockSize), 56), (nameof(Stat.Blocks), 64), (nameof(Stat.AccessTime), 72),
            (nameof(Stat.ModifyTime), 88), (nameof(Stat.ChangeTime), 104),
        ];
        AssertOffsets<Stat>(expected);
    }

    [Fact]
    public void StatVfsMatchesGlibcX64()
    {
        Assert.Equal(112, Unsafe.SizeOf<StatVfs>());
        AssertOffsets<StatVfs>(
        [
            (nameof(StatVfs.BlockSize), 0), (nameof(StatVfs.FragmentSize), 8), (nameof(StatVfs.Blocks), 16),
            (nameof(StatVfs.FreeBlocks), 24), (nameof(StatVfs.AvailableBlocks), 32), (nameof(StatVfs.Files), 40),
            (nameof(StatVfs.FreeFiles), 48), (nameof(StatVfs.AvailableFiles), 56), (nameof(StatVfs.FsId), 64),
            (nameof(StatVfs.Flags), 72), (nameof(StatVfs.NameMax), 80),
        ]);
    }

    [Fact]
    public void FileInfoMatchesLibfuse314()
    {
        Assert.Equal(40, Unsafe.SizeOf<FuseFileInfo>());
        AssertOffsets<FuseFileInfo>(
        [
            (nameof(FuseFileInfo.Flags), 0), (nameof(FuseFileInfo.Bits), 4), (nameof(FuseFileInfo.Handle), 16),
            (nameof(FuseFileInfo.LockOwner), 24), (nameof(FuseFileInfo.PollEvents), 32),
        ]);
        Assert.Equal(0x02u, FuseFileInfo.DirectIo);
        Assert.Equal(0x04u, FuseFileInfo.KeepCache);
        Assert.Equal(0x40u, FuseFileInfo.CacheReaddir);
        Assert.Equal(0x80u, FuseFileInfo.NoFlush);
    }

    [Fact]
    public void EntryParamMatchesLibfuse314()
    {
        Assert.Equal(176, Unsafe.SizeOf<FuseEntryParam>());
        AssertOffsets<FuseEntryParam>(
        [
            (nameof(FuseEntryParam.Inode), 0), (nameof(FuseEntryParam.Generation), 8), (nameof(FuseEntryParam.Attributes), 16),
            (nameof(FuseEntryParam.AttributeTimeout), 160), (nameof(FuseEntryParam.EntryTimeout), 168),
        ]);
    }

    [Fact]
    public void ConnInfoMatchesLibfuse314()
    {
        Assert.Equal(128, Unsafe.SizeOf<FuseConnInfo>());
        AssertOffsets<FuseConnInfo>(
        [
            (nameof(FuseConnInfo.ProtocolMajor), 0), (nameof(FuseConnInfo.ProtocolMinor), 4), (nameof(FuseConnInfo.MaxWrite), 8),
            (nameof(FuseConnInfo.MaxRead), 12), (nameof(FuseConnInfo.MaxReadahead), 16), (nameof(FuseConnInfo.Capable), 20),
            (nameof(FuseConnInfo.Want), 24), (nameof(FuseConnInfo.MaxBackground), 28),
            (nameof(FuseConnInfo.CongestionThreshold), 32), (nameof(FuseConnInfo.TimeGranularity), 36),
        ]);
    }

    [Fact]
    public void ArgsAndForgetDataMatchLibfuse314()
    {
        Assert.Equal(24, Unsafe.SizeOf<FuseArgs>());
        AssertOffsets<FuseArgs>([(nameof(FuseArgs.Count), 0), (nameof(FuseArgs.Values), 8), (nameof(FuseArgs.Allocated), 16)]);
        Assert.Equal(16, Unsafe.SizeOf<FuseForgetData>());
        AssertOffsets<FuseForgetData>([(nameof(FuseForgetData.Inode), 0), (nameof(FuseForgetData.Count), 8)]);
    }

    [Fact]
    public void LowLevelOpsHas44SlotsInHeaderOrder()
    {
        Assert.Equal(352, Unsafe.SizeOf<FuseLowLevelOps>());
        AssertOffsets<FuseLowLevelOps>(
        [
            (nameof(FuseLowLevelOps.Init), 0), (nameof(FuseLowLevelOps.Lookup), 16), (nameof(FuseLowLevelOps.Forget), 24),
            (nameof(FuseLowLevelOps.GetAttr), 32), (nameof(FuseLowLevelOps.SetAttr), 40), (nameof(FuseLowLevelOps.ReadLink), 48),
            (nameof(FuseLowLevelOps.MkNod), 56), (nameof(FuseLowLevelOps.MkDir), 64), (nameof(FuseLowLevelOps.Unlink), 72),
            (nameof(FuseLowLevelOps.RmDir), 80), (nameof(FuseLowLevelOps.Symlink), 88), (nameof(FuseLowLevelOps.Rename), 96),
            (nameof(FuseLowLevelOps.Link), 104), (nameof(FuseLowLevelOps.Open), 112), (nameof(FuseLowLevelOps.Read), 120),
            (nameof(FuseLowLevelOps.Write), 128), (nameof(FuseLowLevelOps.Release), 144), (nameof(FuseLowLevelOps.OpenDir), 160),
            (nameof(FuseLowLevelOps.ReadDir), 168), (nameof(FuseLowLevelOps.ReleaseDir), 176), (nameof(FuseLowLevelOps.StatFs), 192),
            (nameof(FuseLowLevelOps.SetXAttr), 200), (nameof(FuseLowLevelOps.GetXAttr), 208), (nameof(FuseLowLevelOps.ListXAttr), 216),
            (nameof(FuseLowLevelOps.RemoveXAttr), 224), (nameof(FuseLowLevelOps.Access), 232), (nameof(FuseLowLevelOps.Create), 240),
            (nameof(FuseLowLevelOps.ForgetMulti), 304), (nameof(FuseLowLevelOps.FAllocate), 320),
            (nameof(FuseLowLevelOps.ReadDirPlus), 328), (nameof(FuseLowLevelOps.LSeek), 344),
        ]);
    }

    [Fact]
    public void OperationTableFillsTheImplementedSlotsOnly()
    {
        FuseLowLevelOps table = FuseCallbacks.CreateOperationTable(writable: false);
        Assert.NotEqual(0, table.Lookup);
        Assert.NotEqual(0, table.ReadDirPlus);
        Assert.NotEqual(0, table.ForgetMulti);
        Assert.NotEqual(0, table.Write); // answered with EROFS
        Assert.Equal(0, table.Destroy);
        Assert.Equal(0, table.Flush);    // ENOSYS once, then the kernel stops sending FLUSH
        Assert.Equal(0, table.Fsync);
        Assert.Equal(0, table.CopyFileRange);
    }

    [Fact]
    public void WritableTableServesTheWriteSlotsWithOtherCallbacks()
    {
        FuseLowLevelOps readOnly = FuseCallbacks.CreateOperationTable(writable: false);
        FuseLowLevelOps writable = FuseCallbacks.CreateOperationTable(writable: true);
        nint[] writeSlots =
        [
            writable.SetAttr, writable.MkNod, writable.MkDir, writable.Unlink, writable.RmDir, writable.Symlink,
            writable.Rename, writable.Link, writable.Write, writable.Create, writable.SetXAttr, writable.RemoveXAttr,
            writable.FAllocate, writable.Flush, writable.Fsync, writable.FsyncDir,
        ];
        Assert.DoesNotContain((nint)0, writeSlots);
        Assert.NotEqual(readOnly.Write, writable.Write);
        Assert.NotEqual(readOnly.Create, writable.Create);
        Assert.Equal(readOnly.Lookup, writable.Lookup);
        Assert.Equal(readOnly.Read, writable.Read);
        Assert.Equal(0, writable.CopyFileRange);
        Assert.Equal(0, writable.WriteBuf); // write gets a plain buffer; write_buf would take precedence
    }

    [Fact]
    public void ContextMatchesLibfuse314()
    {
        Assert.Equal(16, Unsafe.SizeOf<FuseContext>());
        AssertOffsets<FuseContext>(
        [
            (nameof(FuseContext.Uid), 0), (nameof(FuseContext.Gid), 4), (nameof(FuseContext.Pid), 8), (nameof(FuseContext.Umask), 12),
        ]);
    }

    [Fact]
    public void CapabilityBitsMatchLibfuse314()
    {
        Assert.Equal(0x1u, FuseCapability.AsyncRead);
        Assert.Equal(0x80u, FuseCapability.SpliceWrite);
        Assert.Equal(0x100u, FuseCapability.SpliceMove);
        Assert.Equal(0x1000u, FuseCapability.AutoInvalidateData);
        Assert.Equal(0x2000u, FuseCapability.ReaddirPlus);
        Assert.Equal(0x4000u, FuseCapability.ReaddirPlusAuto);
        Assert.Equal(0x40000u, FuseCapability.ParallelDirOps);
        Assert.Equal(0x800000u, FuseCapability.CacheSymlinks);
        Assert.Equal(0x8u, FuseCapability.AtomicOpenTruncate);
        Assert.Equal(0x40u, FuseCapability.DontMask);
        Assert.Equal(0x10000u, FuseCapability.WritebackCache);
        Assert.Equal(0x100000u, FuseCapability.HandleKillPriv);
    }

    [Fact]
    public void EveryEntryPointBindsAtItsVersion()
    {
        if (!NativeLibrary.TryLoad(LibFuse.SoName, out _))
        {
            Assert.Skip($"{LibFuse.SoName} is not installed (apt-get install fuse3)");
        }

        LibFuse.EnsureLoaded(); // throws if any symbol is missing at its version node
        Assert.InRange(LibFuse.Version(), 312, 316);
    }

    private static int Offset<T>(string field) => (int)Marshal.OffsetOf<T>(field);

    private static void AssertOffsets<T>((string Field, int Offset)[] expected)
    {
        foreach ((string field, int offset) in expected)
        {
            Assert.True(offset == Offset<T>(field), $"{typeof(T).Name}.{field}: expected offset {offset}, got {Offset<T>(field)}");
        }
    }
}
