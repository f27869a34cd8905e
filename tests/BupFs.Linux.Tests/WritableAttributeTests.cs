using System.Text;
using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

/// <summary>Attributes through a writable mount (chmod, chown, utimensat, xattrs, access), read-only mounts, invalidation.</summary>
public sealed class WritableAttributeTests
{
    [Fact]
    public async Task ChmodChownAndUtimensatKeepEveryBit()
    {
        await using WritableMount mount = WritableMount.Create();
        string path = mount["f"];
        await File.WriteAllTextAsync(path, "x", TestContext.Current.CancellationToken);
        Assert.Equal(0, Native.TryChMod(path, 0x9A0)); // 04640: setuid survives
        Assert.Equal(0x8000u | 0x9A0u, Native.LStatOrThrow(path).Mode);
        if (Native.GetEffectiveUserId() == 0)
        {
            Assert.Equal(0, Native.TryChOwn(path, 1000, 2000));
            Stat owned = Native.LStatOrThrow(path);
            Assert.Equal((1000u, 2000u), (owned.Uid, owned.Gid));
        }

        Assert.Equal(0, Native.TryUtimens(path, (1_234, 5), (1_700_000_000, 123_456_789)));
        Stat stat = Native.LStatOrThrow(path);
        Assert.Equal((1_234L, 5L), (stat.AccessTime.Seconds, stat.AccessTime.Nanoseconds));
        Assert.Equal((1_700_000_000L, 123_456_789L), (stat.ModifyTime.Seconds, stat.ModifyTime.Nanoseconds));

        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(0, Native.TryUtimens(path, (0, Native.UtimeNow), (0, Native.UtimeNow)));
        stat = Native.LStatOrThrow(path);
        Assert.InRange(stat.ModifyTime.Seconds, before - 1, before + 60);
        Assert.InRange(stat.AccessTime.Seconds, before - 1, before + 60);
    }

    [Fact]
    public async Task ExtendedAttributesFollowTheCreateAndReplaceFlags()
    {
        await using WritableMount mount = WritableMount.Create();
        string path = mount["f"];
        await File.WriteAllTextAsync(path, "x", TestContext.Current.CancellationToken);
        Assert.Equal(0, Native.TrySetXAttr(path, "user.a", "1"u8.ToArray(), Native.XattrCreate));
        Assert.Equal(Errno.EEXIST, Native.TrySetXAttr(path, "user.a", "2"u8.ToArray(), Native.XattrCreate));
        Assert.Equal(Errno.ENODATA, Native.TrySetXAttr(path, "user.b", "2"u8.ToArray(), Native.XattrReplace));
        Assert.Equal(0, Native.TrySetXAttr(path, "user.a", "22"u8.ToArray(), Native.XattrReplace));
        Assert.Equal(0, Native.TrySetXAttr(path, "user.empty", [], 0));
        Assert.Equal("22"u8.ToArray(), Native.TryGetXAttr(path, "user.a", 64).Value);
        Assert.Equal("user.a\0user.empty\0", Encoding.ASCII.GetString(Native.TryListXAttr(path, 256).List));
        Assert.Equal(0, Native.TryRemoveXAttr(path, "user.a"));
        Assert.Equal(Errno.ENODATA, Native.TryGetXAttr(path, "user.a", 64).Errno);
        Assert.Equal(Errno.ENODATA, Native.TryRemoveXAttr(path, "user.a"));
    }

    [Fact]
    public async Task TheKernelChecksPermissionsAndCreatorsOwnWhatTheyMake()
    {
        if (Native.GetEffectiveUserId() != 0)
        {
            Assert.Skip("switching the filesystem uid needs root");
        }

        await using WritableMount mount = WritableMount.Create();
        await File.WriteAllTextAsync(mount["root-only"], "x", TestContext.Current.CancellationToken);
        Assert.Equal(0, Native.TryChMod(mount["root-only"], 0x1A4)); // 0644, owned by root
        Assert.Equal(0, Native.TryMkDir(mount["shared"], 0x1FF));
        Assert.Equal(0, Native.TryChMod(mount["shared"], 0x1FF));
        var results = new int[4];
        Native.AsUser(1000, 1001, () =>
        {
            results[0] = Native.TryOpen(mount["root-only"], Native.OWrOnly);
            results[1] = Native.TryChMod(mount["root-only"], 0x1FF);
            results[2] = Native.TryOpen(mount["shared/mine"], Native.OWrOnly | Native.OCreat);
            results[3] = Native.TryMkDir(mount["not-here"], 0x1ED);
        });
        Assert.Equal([Errno.EACCES, Errno.EPERM, 0, Errno.EACCES], results);
        Stat mine = Native.LStatOrThrow(mount["shared/mine"]);
        Assert.Equal((1000u, 1001u), (mine.Uid, mine.Gid));
        Assert.Equal((1000u, 1001u), (mount.FileSystem.LastCaller.Uid, mount.FileSystem.LastCaller.Gid));
    }

    [Fact]
    public async Task AccessGrantsWriteOnAWritableMount()
    {
        await using WritableMount mount = WritableMount.Create();
        await File.WriteAllTextAsync(mount["f"], "x", TestContext.Current.CancellationToken);
        Assert.Equal(0, Native.TryAccess(mount["f"], Native.WOk));
        Assert.Equal(0, Native.TryAccess(mount.Path, Native.WOk));
    }

    [Fact]
    public async Task AWritableFileSystemMountedReadOnlyRefusesEveryWrite()
    {
        await using WritableMount mount = WritableMount.Create(TestMount.DefaultOptions); // ReadOnly = true
        Assert.Equal(Errno.EROFS, Native.TryOpen(mount["new"], Native.OWrOnly | Native.OCreat));
        Assert.Equal(Errno.EROFS, Native.TryMkDir(mount["d"], 0x1ED));
        Assert.Equal(Errno.EROFS, Native.TrySymlink("t", mount["l"]));
        Assert.Equal(Errno.EROFS, Native.TryChMod(mount.Path, 0x1FF));
        Assert.Equal(Errno.EROFS, Native.TryAccess(mount.Path, Native.WOk));
        Assert.Equal(0, mount.FileSystem.Opens);
        Assert.Empty(mount.FileSystem.Root.Children);
    }

    [Fact]
    public async Task InvalidationShowsChangesMadeBehindTheKernelsBack()
    {
        await using WritableMount mount = WritableMount.Create();
        await File.WriteAllTextAsync(mount["f"], "1", TestContext.Current.CancellationToken);
        Stat before = Native.LStatOrThrow(mount["f"]);
        mount.FileSystem.Change(root => root.Child("f"u8)!.Resize(5));
        Assert.Equal(1, Native.LStatOrThrow(mount["f"]).Size); // cached for an hour
        Assert.Equal(0, mount.Mount.InvalidateNode(before.Inode));
        Assert.Equal(5, Native.LStatOrThrow(mount["f"]).Size);

        mount.FileSystem.Change(root => root.Children.Clear());
        Assert.Equal(0, Native.TryLStat(mount["f"], out _)); // the kernel still has the dentry
        Assert.Equal(0, mount.Mount.InvalidateEntry(mount.FileSystem.RootNode, "f"u8));
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["f"], out _));

        await mount.Handle.UnmountAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(-Errno.ENOTCONN, mount.Mount.InvalidateNode(before.Inode));
    }
}
