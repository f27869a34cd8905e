using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

/// <summary>Names through a writable mount: mkdir, rmdir, unlink, rename(2)/renameat2, link, symlink, mknod.</summary>
public sealed class WritableNamespaceTests
{
    private const uint SIfReg = 0x8000, SIfDir = 0x4000, SIfLnk = 0xA000, SIfIfo = 0x1000, SIfChr = 0x2000;

    [Fact]
    public async Task DirectoriesAreMadeAndRemovedOnlyWhenEmpty()
    {
        await using WritableMount mount = WritableMount.Create();
        Assert.Equal(0, Native.TryMkDir(mount["d"], 0x1C0)); // 0700
        Stat directory = Native.LStatOrThrow(mount["d"]);
        Assert.Equal(SIfDir | 0x1C0u, directory.Mode);
        Assert.Equal(1, mount.FileSystem.References(directory.Inode));
        Assert.Equal(3ul, Native.LStatOrThrow(mount.Path).LinkCount); // the new ".." counts on the root
        Assert.Equal(Errno.EEXIST, Native.TryMkDir(mount["d"], 0x1ED));
        await File.WriteAllTextAsync(mount["d/f"], "x", TestContext.Current.CancellationToken);
        Assert.Equal(Errno.ENOTEMPTY, Native.TryRmDir(mount["d"]));
        Assert.Equal(Errno.ENOTDIR, Native.TryRmDir(mount["d/f"]));
        Assert.Equal(0, Native.TryUnlink(mount["d/f"]));
        Assert.Equal(0, Native.TryRmDir(mount["d"]));
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["d"], out _));
        Assert.Empty(mount.FileSystem.Root.Children);
    }

    [Fact]
    public async Task UnlinkRemovesTheName()
    {
        await using WritableMount mount = WritableMount.Create();
        await File.WriteAllTextAsync(mount["gone.txt"], "bye", TestContext.Current.CancellationToken);
        Assert.Equal(0, Native.TryUnlink(mount["gone.txt"]));
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["gone.txt"], out _));
        Assert.Equal(Errno.ENOENT, Native.TryUnlink(mount["gone.txt"]));
        Assert.DoesNotContain(Native.ListDirectory(mount.Path), entry => entry.Name.AsSpan().SequenceEqual("gone.txt"u8));
    }

    [Fact]
    public async Task RenameMovesReplacesAndHonoursRenameat2Flags()
    {
        await using WritableMount mount = WritableMount.Create();
        CancellationToken token = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(mount["a"], "A", token);
        await File.WriteAllTextAsync(mount["b"], "B", token);
        Assert.Equal(0, Native.TryRename(mount["a"], mount["c"]));
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["a"], out _));
        Assert.Equal("A", await File.ReadAllTextAsync(mount["c"], token));

        Assert.Equal(Errno.EEXIST, Native.TryRenameAt2(mount["c"], mount["b"], Native.RenameNoReplace));
        Assert.Equal(0, Native.TryRenameAt2(mount["c"], mount["n"], Native.RenameNoReplace));
        Assert.Equal(0, Native.TryRenameAt2(mount["n"], mount["b"], Native.RenameExchange));
        Assert.Equal(("B", "A"), (await File.ReadAllTextAsync(mount["n"], token), await File.ReadAllTextAsync(mount["b"], token)));
        Assert.Equal(Errno.ENOENT, Native.TryRenameAt2(mount["n"], mount["missing"], Native.RenameExchange));
        Assert.Equal(Errno.EINVAL, Native.TryRenameAt2(mount["n"], mount["b"], Native.RenameNoReplace | Native.RenameExchange));

        Assert.Equal(0, Native.TryRename(mount["n"], mount["b"])); // replaces
        Assert.Equal("B", await File.ReadAllTextAsync(mount["b"], token));
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["n"], out _));
        Assert.Equal(0, Native.TryMkDir(mount["dir"], 0x1ED));
        Assert.Equal(0, Native.TryRename(mount["b"], mount["dir/b"]));
        Assert.Equal("B", await File.ReadAllTextAsync(mount["dir/b"], token));
    }

    [Fact]
    public async Task HardLinksShareOneNode()
    {
        await using WritableMount mount = WritableMount.Create();
        await File.WriteAllTextAsync(mount["f"], "first", TestContext.Current.CancellationToken);
        Assert.Equal(0, Native.TryLink(mount["f"], mount["g"]));
        Stat f = Native.LStatOrThrow(mount["f"]), g = Native.LStatOrThrow(mount["g"]);
        Assert.Equal((f.Inode, 2ul), (g.Inode, g.LinkCount));
        Assert.Equal(2, mount.FileSystem.References(f.Inode)); // create + link: one lookup each
        await File.WriteAllTextAsync(mount["g"], "second", TestContext.Current.CancellationToken);
        Assert.Equal("second", await File.ReadAllTextAsync(mount["f"], TestContext.Current.CancellationToken));
        Assert.Equal(Errno.EEXIST, Native.TryLink(mount["f"], mount["g"]));
        Assert.Equal(0, Native.TryMkDir(mount["d"], 0x1ED));
        Assert.Equal(Errno.EPERM, Native.TryLink(mount["d"], mount["d2"]));
    }

    [Fact]
    public async Task SymlinksKeepTheirTarget()
    {
        await using WritableMount mount = WritableMount.Create();
        Assert.Equal(0, Native.TrySymlink("some/target", mount["l"]));
        Stat link = Native.LStatOrThrow(mount["l"]);
        Assert.Equal((SIfLnk | 0x1FFu, 11L), (link.Mode, link.Size));
        Assert.Equal("some/target", Native.ReadLinkOrThrow(mount["l"]));
        Assert.Equal(Errno.EEXIST, Native.TrySymlink("other", mount["l"]));
    }

    [Fact]
    public async Task MknodMakesFifosAndDevices()
    {
        await using WritableMount mount = WritableMount.Create();
        Assert.Equal(0, Native.TryMkNod(mount["fifo"], SIfIfo | 0x1A4));
        Assert.Equal(SIfIfo | (0x1A4u & ~Native.CurrentUmask()), Native.LStatOrThrow(mount["fifo"]).Mode);
        Assert.Equal(0, Native.TryMkNod(mount["plain"], SIfReg | 0x180)); // arrives as mknod, not create
        Stat plain = Native.LStatOrThrow(mount["plain"]);
        Assert.Equal((SIfReg | 0x180u, 0L), (plain.Mode, plain.Size));
        Assert.True(Eventually.True(() => mount.FileSystem.Opens == mount.FileSystem.Releases), "mknod left a handle open");
        if (Native.GetEffectiveUserId() == 0)
        {
            Assert.Equal(0, Native.TryMkNod(mount["null"], SIfChr | 0x1A4, 0x103));
            Stat device = Native.LStatOrThrow(mount["null"]);
            Assert.Equal((SIfChr, 0x103ul), (device.Mode & 0xF000, device.RawDevice));
        }
    }
}
