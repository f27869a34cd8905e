namespace BupFs.Linux.Tests;

/// <summary>Every kind of write fails with EROFS, whether the kernel (ro mount) or the host refuses it.</summary>
public sealed class WriteRefusalTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WritesFailWithErofs(bool readOnlyMount)
    {
        await using TestMount mount = TestMount.Create(options: TestMount.DefaultOptions with { ReadOnly = readOnlyMount });
        string hello = mount["hello.txt"];
        Assert.Equal(Errno.EROFS, Native.TryOpen(hello, Native.OWrOnly));
        Assert.Equal(Errno.EROFS, Native.TryOpen(hello, Native.ORdWr));
        Assert.Equal(Errno.EROFS, Native.TryOpen(hello, Native.ORdOnly | Native.OTrunc));
        Assert.Equal(Errno.EROFS, Native.TryOpen(mount["created.txt"], Native.OWrOnly | Native.OCreat));
        Assert.Equal(Errno.EROFS, Native.TryMkDir(mount["new-dir"]));
        Assert.Equal(Errno.EROFS, Native.TryUnlink(hello));
        Assert.Equal(Errno.EROFS, Native.TryRename(hello, mount["renamed.txt"]));
        Assert.Equal(Errno.EROFS, Native.TryChMod(hello, 0x1FF));
        Assert.Equal(Errno.EROFS, Native.TrySymlink("hello.txt", mount["new-link"]));
        Assert.Equal(Errno.EROFS, Native.TrySetXAttr(hello, "user.new", "x"u8.ToArray()));
        Assert.Equal(TestFileSystem.HelloData, await File.ReadAllBytesAsync(hello, TestContext.Current.CancellationToken));
        // Refused opens leave no handle behind (the read's own RELEASE arrives asynchronously).
        Assert.True(Eventually.True(() => mount.FileSystem.Opens == mount.FileSystem.Releases), "a handle was leaked");
        Assert.Equal(1, mount.FileSystem.Opens);
    }
}
