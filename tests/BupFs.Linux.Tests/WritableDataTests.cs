using System.Security.Cryptography;
using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

/// <summary>File content through a writable mount: create, write, pwrite, append, truncate, fallocate, fsync.</summary>
public sealed class WritableDataTests
{
    private const uint SIfReg = 0x8000;

    [Fact]
    public async Task ACreatedFileIsWrittenAndReadBack()
    {
        await using WritableMount mount = WritableMount.Create();
        string path = mount["new.txt"];
        int fd = Native.OpenOrThrow(path, Native.OWrOnly | Native.OCreat | Native.OExcl, 0x1FF);
        try
        {
            Assert.Equal(5, Native.TryWrite(fd, "hello"u8.ToArray()));
        }
        finally
        {
            Native.CloseFd(fd);
        }

        Stat stat = Native.LStatOrThrow(path);
        Assert.Equal(SIfReg | (0x1FFu & ~Native.CurrentUmask()), stat.Mode); // the kernel applied the umask...
        Assert.Equal(0u, mount.FileSystem.LastCaller.Umask);                   // ...so the filesystem must not
        Assert.Equal((Native.GetEffectiveUserId(), Native.GetEffectiveGroupId()), (stat.Uid, stat.Gid));
        Assert.Equal(5, stat.Size);
        Assert.Equal(1, mount.FileSystem.References(stat.Inode)); // the create reply was the one lookup
        Assert.Equal("hello", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        int flushes = mount.FileSystem.Flushes;
        Assert.True(flushes >= 1, "close of a writer sends FLUSH");
        Assert.Equal(0, Native.TryOpen(path, Native.ORdOnly));
        Assert.Equal(flushes, mount.FileSystem.Flushes); // readers are opened with noflush
        Assert.Equal(Errno.EEXIST, Native.TryOpen(path, Native.OWrOnly | Native.OCreat | Native.OExcl));
        Assert.True(Eventually.True(() => mount.FileSystem.Opens == mount.FileSystem.Releases), "a handle was leaked");
    }

    [Fact]
    public async Task WriteRequestsAreTraced()
    {
        await using WritableMount mount = WritableMount.Create(WritableMount.WritableOptions with { Debug = true });
        await File.WriteAllTextAsync(mount["traced"], "x", TestContext.Current.CancellationToken);
        Assert.Equal(0, Native.TrySetXAttr(mount["traced"], "user.a", [1], Native.XattrCreate));
        Assert.Equal(Errno.EEXIST, Native.TrySetXAttr(mount["traced"], "user.a", [1], Native.XattrCreate)); // the filesystem's answer
        Assert.Contains(mount.Log, line => line == "fuse: create 1 \"traced\" -> OK");
        Assert.Contains(mount.Log, line => line.StartsWith("fuse: write ", StringComparison.Ordinal) && line.EndsWith("off=0 size=1 -> OK", StringComparison.Ordinal));
        Assert.Contains(mount.Log, line => line.StartsWith("fuse: setxattr ", StringComparison.Ordinal) && line.EndsWith("\"user.a\" size=1 -> EEXIST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LargeWritesArriveWholeAndReadBackIdentical()
    {
        await using WritableMount mount = WritableMount.Create();
        byte[] data = RandomNumberGenerator.GetBytes((3 << 20) + 7);
        await File.WriteAllBytesAsync(mount["big.bin"], data, TestContext.Current.CancellationToken);
        Assert.Equal(data.Length, Native.LStatOrThrow(mount["big.bin"]).Size);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(mount["big.bin"], TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task ConcurrentWritersEachKeepTheirOwnContent()
    {
        await using WritableMount mount = WritableMount.Create();
        byte[][] contents = Enumerable.Range(0, 8).Select(_ => RandomNumberGenerator.GetBytes(300_000)).ToArray();
        await Task.WhenAll(contents.Select((data, i) => Task.Run(() => File.WriteAllBytes(mount[$"w{i}"], data))));
        for (int i = 0; i < contents.Length; i++)
        {
            Assert.Equal(contents[i], await File.ReadAllBytesAsync(mount[$"w{i}"], TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task SharedMappingsWriteBackThroughTheHandle()
    {
        await using WritableMount mount = WritableMount.Create();
        string path = mount["mapped.bin"];
        await File.WriteAllBytesAsync(path, new byte[8192], TestContext.Current.CancellationToken);
        using (var map = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateFromFile(path, FileMode.Open))
        using (var view = map.CreateViewAccessor())
        {
            view.Write(4096, 0x1234_5678);
            view.Flush(); // msync: the kernel writes the dirty page back with a WRITE on an open handle
        }

        byte[] data = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(0x1234_5678, BitConverter.ToInt32(data, 4096));
        Assert.Equal(8192, data.Length);
    }

    [Fact]
    public async Task PositionalWritesLeaveZeroFilledHoles()
    {
        await using WritableMount mount = WritableMount.Create();
        int fd = Native.OpenOrThrow(mount["holes.bin"], Native.ORdWr | Native.OCreat, 0x1A4);
        try
        {
            Assert.Equal(3, Native.TryWrite(fd, "abc"u8.ToArray(), offset: 10));
            Assert.Equal(2, Native.TryWrite(fd, "XY"u8.ToArray(), offset: 0));
            Assert.Equal("abc"u8.ToArray(), Native.ReadAt(fd, 10, 10));
            Assert.Equal([(byte)'X', (byte)'Y', 0, 0, 0, 0, 0, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c'], Native.ReadAt(fd, 100, 0));
        }
        finally
        {
            Native.CloseFd(fd);
        }

        Assert.Equal(13, Native.LStatOrThrow(mount["holes.bin"]).Size);
    }

    [Fact]
    public async Task AppendingWritesGoToTheEnd()
    {
        await using WritableMount mount = WritableMount.Create();
        string path = mount["log.txt"];
        await File.WriteAllTextAsync(path, "one\n", TestContext.Current.CancellationToken);
        int fd = Native.OpenOrThrow(path, Native.OWrOnly | Native.OAppend);
        try
        {
            Assert.Equal(4, Native.TryWrite(fd, "two\n"u8.ToArray()));
        }
        finally
        {
            Native.CloseFd(fd);
        }

        await File.AppendAllTextAsync(path, "three\n", TestContext.Current.CancellationToken);
        Assert.Equal("one\ntwo\nthree\n", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TruncateShrinksAndGrowsAndOTruncEmpties()
    {
        await using WritableMount mount = WritableMount.Create();
        string path = mount["t.bin"];
        await File.WriteAllBytesAsync(path, Enumerable.Repeat((byte)7, 100).ToArray(), TestContext.Current.CancellationToken);
        Assert.Equal(0, Native.TryTruncate(path, 10));
        Assert.Equal(10, Native.LStatOrThrow(path).Size);
        int fd = Native.OpenOrThrow(path, Native.ORdWr);
        try
        {
            Assert.Equal(0, Native.TryFTruncate(fd, 20));
            Assert.Equal([.. Enumerable.Repeat((byte)7, 10), .. new byte[10]], Native.ReadAt(fd, 100, 0));
        }
        finally
        {
            Native.CloseFd(fd);
        }

        Assert.Equal(20, Native.LStatOrThrow(path).Size);
        int withHandle = mount.FileSystem.HandleSetAttributes;
        Assert.True(withHandle >= 1, "ftruncate names its handle");
        // ATOMIC_O_TRUNC is off: the kernel drops O_TRUNC from the open and truncates through a
        // setattr(size 0) of the node, which (unlike ftruncate) names no handle.
        Assert.Equal(0, Native.TryOpen(path, Native.OWrOnly | Native.OTrunc));
        Assert.Equal(0, Native.LStatOrThrow(path).Size);
        Assert.Equal(0, mount.FileSystem.TruncatingOpens);
        Assert.Equal(withHandle, mount.FileSystem.HandleSetAttributes);
        Assert.Empty(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task FallocateExtendsAndRefusesOtherModes()
    {
        await using WritableMount mount = WritableMount.Create();
        int fd = Native.OpenOrThrow(mount["f.bin"], Native.ORdWr | Native.OCreat, 0x1A4);
        try
        {
            Assert.Equal(0, Native.TryFAllocate(fd, 0, 0, 4096));
            Assert.Equal(0, Native.TryFAllocate(fd, 0, 0, 100)); // inside the file: nothing changes
            Assert.Equal(Errno.EOPNOTSUPP, Native.TryFAllocate(fd, Native.FallocKeepSize, 0, 8192));
            Assert.Equal(new byte[4096], Native.ReadAt(fd, 8192, 0));
        }
        finally
        {
            Native.CloseFd(fd);
        }

        Assert.Equal(4096, Native.LStatOrThrow(mount["f.bin"]).Size);
    }

    [Fact]
    public async Task FsyncAndFdatasyncReachTheFileSystem()
    {
        await using WritableMount mount = WritableMount.Create();
        int fd = Native.OpenOrThrow(mount["s.bin"], Native.ORdWr | Native.OCreat, 0x1A4);
        try
        {
            Assert.Equal(1, Native.TryWrite(fd, [1]));
            Assert.Equal(0, Native.TryFSync(fd, dataOnly: false));
            Assert.Equal(0, Native.TryFSync(fd, dataOnly: true));
        }
        finally
        {
            Native.CloseFd(fd);
        }

        Assert.Equal((1, 1), (mount.FileSystem.Syncs, mount.FileSystem.DataSyncs));
        int directory = Native.OpenOrThrow(mount.Path, Native.ORdOnly);
        try
        {
            Assert.Equal(0, Native.TryFSync(directory, dataOnly: false)); // fsyncdir
        }
        finally
        {
            Native.CloseFd(directory);
        }

        Assert.Equal(2, mount.FileSystem.Syncs);
    }
}
