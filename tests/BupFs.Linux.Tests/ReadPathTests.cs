namespace BupFs.Linux.Tests;

/// <summary>Reads reach the filesystem as large requests (docs/fuse-interop.md, "Request sizes and caching knobs").</summary>
public sealed class ReadPathTests
{
    [Fact]
    public async Task StreamingReadsArriveAsLargeRequests()
    {
        await using TestMount mount = TestMount.Create();
        using (var stream = new FileStream(mount["big.bin"], FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        {
            var buffer = new byte[1 << 20];
            while (stream.Read(buffer) > 0)
            {
            }
        }

        bool root = MountPointChecks.IsRoot;
        // As root the host raises the mount's readahead to 1 MiB, the largest request FUSE sends
        // (max_pages 256); otherwise the kernel's default readahead of 128 KiB sets the size.
        Assert.Equal(root ? 1 << 20 : 128 << 10, mount.FileSystem.LargestRead);
    }

    [Fact]
    public async Task ASequentialReadIsServedSeveralRequestsAtATime()
    {
        // The kernel's read-ahead asks for the next ranges while the reader consumes the current one;
        // the host must serve them on several threads at once, since that is how one sequential
        // reader gets every core inflating (there is no read-ahead of our own). The delay makes
        // requests that arrive together overlap for certain.
        await using TestMount mount = TestMount.Create();
        mount.FileSystem.ReadDelay = TimeSpan.FromMilliseconds(3);
        using (var stream = new FileStream(mount["big.bin"], FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        {
            var buffer = new byte[128 << 10];
            while (stream.Read(buffer) > 0)
            {
            }
        }

        Assert.True(mount.FileSystem.MostReadsAtOnce >= 2, $"at most {mount.FileSystem.MostReadsAtOnce} read at a time");
    }

    [Fact]
    public async Task RootRaisesTheMountsReadahead()
    {
        await using TestMount mount = TestMount.Create();
        if (!MountPointChecks.IsRoot)
        {
            Assert.Skip("only root may change a bdi's read_ahead_kb");
        }

        MountEntry entry = MountTable.Find(mount.Path)!;
        Assert.Equal("1024", (await File.ReadAllTextAsync($"/sys/class/bdi/{entry.Device}/read_ahead_kb", TestContext.Current.CancellationToken)).Trim());
    }
}
