using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

/// <summary>What users see through the kernel on a mounted <see cref="TestFileSystem"/>.</summary>
public sealed class MountedTreeTests
{
    private const uint SIfReg = 0x8000, SIfDir = 0x4000, SIfLnk = 0xA000, SIfIfo = 0x1000, SIfChr = 0x2000;
    private const byte DtFifo = 1, DtChr = 2, DtDir = 4, DtReg = 8, DtLnk = 10;

    [Fact]
    public async Task StatShowsTheFileSystemsAttributes()
    {
        await using TestMount mount = TestMount.Create();
        Stat hello = Native.LStatOrThrow(mount["hello.txt"]);
        Assert.Equal(SIfReg | 0x1A0u, hello.Mode);
        Assert.Equal(TestFileSystem.HelloData.Length, hello.Size);
        Assert.Equal((1234u, 5678u), (hello.Uid, hello.Gid));
        Assert.Equal(1ul, hello.LinkCount);
        Assert.Equal(mount.FileSystem.Find("hello.txt").Id, hello.Inode);
        Assert.Equal((1_700_000_000L, 123_456_789L), (hello.ModifyTime.Seconds, hello.ModifyTime.Nanoseconds));
        Assert.Equal((1_600_000_000L, 1L), (hello.AccessTime.Seconds, hello.AccessTime.Nanoseconds));
        Assert.Equal((1_650_000_000L, 999_999_999L), (hello.ChangeTime.Seconds, hello.ChangeTime.Nanoseconds));
        Assert.Equal(1, hello.Blocks);

        Stat root = Native.LStatOrThrow(mount.Path);
        Assert.Equal((SIfDir | 0x1EDu, 1ul, 2ul), (root.Mode, root.Inode, root.LinkCount));
        Assert.Equal(SIfLnk | 0x1FFu, Native.LStatOrThrow(mount["link"]).Mode);
        Assert.Equal("hello.txt".Length, Native.LStatOrThrow(mount["link"]).Size);
        Assert.Equal(SIfIfo | 0x1A4u, Native.LStatOrThrow(mount["pipe"]).Mode);
        Stat device = Native.LStatOrThrow(mount["null-dev"]);
        Assert.Equal((SIfChr | 0x1A4u, 0x103ul), (device.Mode, device.RawDevice));
        Assert.Equal(TestFileSystem.BigSize, Native.LStatOrThrow(mount["big.bin"]).Size);
    }

    [Fact]
    public async Task MissingNamesAreEnoent()
    {
        await using TestMount mount = TestMount.Create();
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["no-such-file"], out _));
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["dir/no-such-file"], out _));
        Assert.Equal(Errno.ENOTDIR, Native.TryLStat(mount["hello.txt/below"], out _));
    }

    [Fact]
    public async Task ListingPassesNamesAsBytesWithTypesAndInodes()
    {
        await using TestMount mount = TestMount.Create();
        var entries = Native.ListDirectory(mount.Path).ToDictionary(entry => Convert.ToHexString(entry.Name));
        (string Name, byte Type)[] expected =
        [
            (".", DtDir), ("..", DtDir), ("hello.txt", DtReg), ("dir", DtDir), ("link", DtLnk), ("pipe", DtFifo),
            ("null-dev", DtChr), (TestFileSystem.UnicodeName, DtReg), ("broken-dir", DtDir),
        ];
        foreach ((string name, byte type) in expected)
        {
            Assert.True(entries.TryGetValue(Convert.ToHexString(Encoding.UTF8.GetBytes(name)), out var entry), $"{name} not listed");
            Assert.Equal(type, entry.Type);
        }

        Assert.Equal(mount.FileSystem.Find("hello.txt").Id, entries[Convert.ToHexString("hello.txt"u8)].Inode);
        Assert.Contains(Convert.ToHexString(TestFileSystem.NonUtf8Name), entries.Keys);
        Assert.DoesNotContain(entries.Keys, key => Encoding.UTF8.GetString(Convert.FromHexString(key)).Contains('/'));
        Assert.Equal(mount.FileSystem.RootDirectory.Children.Count - 1 + 2, entries.Count); // minus "bad/name", plus . and ..
    }

    [Fact]
    public async Task LongListingIsCompleteAcrossReaddirPages()
    {
        await using TestMount mount = TestMount.Create();
        var names = Native.ListDirectory(mount["dir"]).Select(entry => Encoding.UTF8.GetString(entry.Name)).ToList();
        var expected = Enumerable.Range(0, 300).Select(i => $"file-{i:D3}").Append("sub").Prepend("..").Prepend(".").ToList();
        Assert.Equal(expected, names);
        Assert.Equal("deep\n", await File.ReadAllTextAsync(mount["dir/sub/deep.txt"], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnicodeAndNonUtf8NamesCanBeLookedUp()
    {
        await using TestMount mount = TestMount.Create();
        Assert.Equal("unicode\n", await File.ReadAllTextAsync(mount[TestFileSystem.UnicodeName], TestContext.Current.CancellationToken));
        byte[] rawPath = [.. Encoding.UTF8.GetBytes(mount.Path + "/"), .. TestFileSystem.NonUtf8Name];
        Assert.Equal(0, Native.TryLStatBytes(rawPath, out Stat stat));
        Assert.Equal(6, stat.Size);
    }

    [Fact]
    public async Task SymlinksResolve()
    {
        await using TestMount mount = TestMount.Create();
        Assert.Equal("hello.txt", new FileInfo(mount["link"]).LinkTarget);
        Assert.Equal("no/such/target", new FileInfo(mount["dangling"]).LinkTarget);
        Assert.Equal(TestFileSystem.HelloData, await File.ReadAllBytesAsync(mount["link"], TestContext.Current.CancellationToken));
        Assert.Equal(Errno.ENOENT, Native.TryOpen(mount["dangling"], Native.ORdOnly));
    }

    [Fact]
    public async Task ExtendedAttributesFollowTheSizeQueryProtocol()
    {
        await using TestMount mount = TestMount.Create();
        string hello = mount["hello.txt"];
        byte[] names = "user.comment\0user.binary\0user.empty\0"u8.ToArray();
        Assert.Equal(names.Length, Native.TryListXAttr(hello, 0).Result);
        Assert.Equal(names, Native.TryListXAttr(hello, names.Length).List);
        Assert.Equal(Errno.ERANGE, Native.TryListXAttr(hello, names.Length - 1).Errno);

        Assert.Equal(11, Native.TryGetXAttr(hello, "user.comment", 0).Result);
        Assert.Equal("hello xattr"u8.ToArray(), Native.TryGetXAttr(hello, "user.comment", 64).Value);
        Assert.Equal(Errno.ERANGE, Native.TryGetXAttr(hello, "user.comment", 5).Errno);
        Assert.Equal(new byte[] { 0, 1, 2, 0xFF, 0 }, Native.TryGetXAttr(hello, "user.binary", 5).Value);
        Assert.Equal(0, Native.TryGetXAttr(hello, "user.empty", 16).Result);
        Assert.Equal(Errno.ENODATA, Native.TryGetXAttr(hello, "user.missing", 16).Errno);
        Assert.Equal(0, Native.TryListXAttr(mount["dir"], 0).Result);
    }

    [Fact]
    public async Task GetfattrReadsTheAttributes()
    {
        await using TestMount mount = TestMount.Create();
        var start = new ProcessStartInfo("getfattr", ["-d", mount["hello.txt"]]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("getfattr is not installed (apt-get install attr)");
            return;
        }

        string output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Contains("user.comment=\"hello xattr\"", output);
        Assert.Contains("user.binary=0s", output); // base64: the value is binary
    }

    [Fact]
    public async Task RandomOffsetReadsReturnTheExpectedBytes()
    {
        await using TestMount mount = TestMount.Create();
        using var file = File.OpenHandle(mount["big.bin"]);
        var random = new Random(1234);
        var buffer = new byte[3 << 20];
        for (int i = 0; i < 200; i++)
        {
            long offset = i % 10 == 0 ? TestFileSystem.BigSize - random.Next(1, 5000) : random.NextInt64(TestFileSystem.BigSize);
            int length = random.Next(1, buffer.Length);
            int read = RandomAccess.Read(file, buffer.AsSpan(0, length), offset);
            int expected = (int)Math.Min(length, TestFileSystem.BigSize - offset);
            Assert.Equal(expected, read);
            Assert.True(TestContent.Slice(offset, read).AsSpan().SequenceEqual(buffer.AsSpan(0, read)), $"bytes differ at {offset}+{read}");
        }

        Assert.Equal(0, RandomAccess.Read(file, buffer, TestFileSystem.BigSize));
        Assert.Equal(0, RandomAccess.Read(file, buffer, TestFileSystem.BigSize + 100));
    }

    [Fact]
    public async Task AFileSystemThatReadsInSmallPiecesIsAskedUntilTheRequestIsFull()
    {
        await using TestMount mount = TestMount.Create();
        byte[] content = await File.ReadAllBytesAsync(mount["chunky.bin"], TestContext.Current.CancellationToken);
        Assert.Equal(TestContent.Slice(0, 100_000), content);
    }

    [Fact]
    public async Task EightConcurrentReadersGetTheSameBytes()
    {
        await using TestMount mount = TestMount.Create();
        byte[] expected = SHA256.HashData(TestContent.Slice(0, (int)TestFileSystem.BigSize));
        var readers = Enumerable.Range(0, 8).Select(reader => Task.Factory.StartNew(
            () => HashFile(mount["big.bin"], chunk: (reader + 1) * 100_000),
            TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        foreach (byte[] hash in await Task.WhenAll(readers))
        {
            Assert.Equal(expected, hash);
        }
    }

    [Fact]
    public async Task AFailingNodeGivesEioWhileTheRestKeepsServing()
    {
        await using TestMount mount = TestMount.Create();
        Assert.Equal(Errno.EIO, ReadErrno(mount["broken.bin"]));
        Assert.Equal(Errno.EIO, ReadErrno(mount["broken.bin"]));
        Assert.Equal(TestFileSystem.HelloData, await File.ReadAllBytesAsync(mount["hello.txt"], TestContext.Current.CancellationToken));
        var listing = Assert.Throws<IOException>(() => Directory.GetFileSystemEntries(mount["broken-dir"]));
        Assert.Equal(Errno.EIO, listing.HResult);
        Assert.Single(mount.Log, line => line.Contains("corrupt object 0123456789abcdef", StringComparison.Ordinal));
        Assert.Contains(mount.Log, line => line.Contains("tree object of node", StringComparison.Ordinal));
        Assert.Equal(300 + 1 + 2, Native.ListDirectory(mount["dir"]).Count);
    }

    [Fact]
    public async Task StatFsReportsTheFileSystemsNumbers()
    {
        await using TestMount mount = TestMount.Create();
        var drive = new DriveInfo(mount.Path);
        Assert.Equal(4096L * 1000, drive.TotalSize);
        Assert.Equal(0, drive.AvailableFreeSpace);
        Assert.Equal("fuse.bupfs", drive.DriveFormat);
    }

    private static byte[] HashFile(string path, int chunk)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var buffer = new byte[chunk];
        for (int read; (read = stream.Read(buffer)) > 0;)
        {
            hash.AppendData(buffer, 0, read);
        }

        return hash.GetHashAndReset();
    }

    private static int ReadErrno(string path)
    {
        try
        {
            File.ReadAllBytes(path);
            return 0;
        }
        catch (IOException e)
        {
            return e.HResult;
        }
    }
}
