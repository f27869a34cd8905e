namespace BupFs.Linux.Tests;

/// <summary>Mount argument building and mount table parsing (no mount needed).</summary>
public sealed class MountSetupTests
{
    [Fact]
    public void DefaultOptionsGiveAReadOnlyAutoUnmountingMount()
    {
        Assert.Equal(
            ["bupfs", "-o", "ro,default_permissions,fsname=bupfs,subtype=bupfs,auto_unmount"],
            MountArguments.Build(new FuseMountOptions()));
    }

    [Fact]
    public void OptionsAndExtrasAreJoined()
    {
        var options = new FuseMountOptions
        {
            ReadOnly = false, AutoUnmount = false, AllowOther = true, DefaultPermissions = false,
            FsName = "repo", Subtype = "bup", ExtraOptions = ["max_read=131072", "", "debug"],
        };
        Assert.Equal(["bupfs", "-o", "fsname=repo,subtype=bup,allow_other,max_read=131072,debug"], MountArguments.Build(options));
    }

    [Fact]
    public void AWritableMountAlwaysLetsTheKernelCheckPermissions()
    {
        var options = new FuseMountOptions { ReadOnly = false, DefaultPermissions = false };
        Assert.Equal(["bupfs", "-o", "default_permissions,fsname=bupfs,subtype=bupfs,auto_unmount"], MountArguments.Build(options, writable: true));
        Assert.Equal(["bupfs", "-o", "fsname=bupfs,subtype=bupfs,auto_unmount"], MountArguments.Build(options, writable: false));
    }

    [Theory]
    [InlineData("a,b")]
    [InlineData("")]
    [InlineData("with space")]
    public void NamesThatWouldBreakTheOptionListAreRefused(string name)
    {
        Assert.Throws<ArgumentException>(() => MountArguments.Build(new FuseMountOptions { FsName = name }));
        Assert.Throws<ArgumentException>(() => MountArguments.Build(new FuseMountOptions { Subtype = name }));
    }

    [Fact]
    public void MountInfoLinesAreParsedAndUnescaped()
    {
        MountEntry? entry = MountTable.Parse(
            @"231 25 0:52 / /tmp/my\040mount\134x rw,nosuid,nodev,relatime shared:120 - fuse.bupfs bupfs rw,user_id=0,group_id=0");
        Assert.NotNull(entry);
        Assert.Equal("0:52", entry.Device);
        Assert.Equal("52", entry.DeviceMinor);
        Assert.Equal(@"/tmp/my mount\x", entry.MountPoint);
        Assert.Equal("fuse.bupfs", entry.FsType);
        Assert.Equal("bupfs", entry.Source);
        Assert.True(entry.IsFuse);
        Assert.False(MountTable.Parse("22 1 0:21 / /proc rw - proc proc rw")!.IsFuse);
        Assert.Null(MountTable.Parse("garbage"));
        Assert.Null(MountTable.Parse("1 2 3 4 5 6 7 8"));
    }

    [Fact]
    public void TheRootMountIsFound()
    {
        Assert.NotNull(MountTable.Find("/"));
        Assert.Null(MountTable.Find("/definitely/not/a/mount/point"));
    }
}
