using System.Runtime.InteropServices;
using BupBackup.Posix.Interop;

namespace BupBackup.Tests;

/// <summary>The native struct mirrors match the kernel and glibc layouts (64-bit Linux).</summary>
public sealed class PosixInteropLayoutTests
{
    [Fact]
    public void StatxMatchesTheKernelLayout()
    {
        Assert.Equal(256, Marshal.SizeOf<StatxBuffer>());
        Assert.Equal(16, Marshal.SizeOf<StatxTimestamp>());
        Assert.Equal(16, Offset<StatxBuffer>(nameof(StatxBuffer.Nlink)));
        Assert.Equal(28, Offset<StatxBuffer>(nameof(StatxBuffer.Mode)));
        Assert.Equal(32, Offset<StatxBuffer>(nameof(StatxBuffer.Ino)));
        Assert.Equal(40, Offset<StatxBuffer>(nameof(StatxBuffer.Size)));
        Assert.Equal(64, Offset<StatxBuffer>(nameof(StatxBuffer.Atime)));
        Assert.Equal(96, Offset<StatxBuffer>(nameof(StatxBuffer.Ctime)));
        Assert.Equal(112, Offset<StatxBuffer>(nameof(StatxBuffer.Mtime)));
        Assert.Equal(128, Offset<StatxBuffer>(nameof(StatxBuffer.RdevMajor)));
        Assert.Equal(136, Offset<StatxBuffer>(nameof(StatxBuffer.DevMajor)));
    }

    [Fact]
    public void PasswdGroupAndTimespecMatchGlibc()
    {
        Assert.Equal(48, Marshal.SizeOf<PasswdEntry>());
        Assert.Equal(16, Offset<PasswdEntry>(nameof(PasswdEntry.Uid)));
        Assert.Equal(32, Marshal.SizeOf<GroupEntry>());
        Assert.Equal(16, Offset<GroupEntry>(nameof(GroupEntry.Gid)));
        Assert.Equal(24, Offset<GroupEntry>(nameof(GroupEntry.Members)));
        Assert.Equal(16, Marshal.SizeOf<Timespec>());
    }

    private static int Offset<T>(string field) => (int)Marshal.OffsetOf<T>(field);
}
