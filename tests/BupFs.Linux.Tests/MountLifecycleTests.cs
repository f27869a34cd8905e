using System.Diagnostics;

namespace BupFs.Linux.Tests;

/// <summary>Mount, unmount, failure and signal paths: nothing stays mounted, the FS is disposed once.</summary>
public sealed class MountLifecycleTests
{
    // Generous: CI machines may be loaded.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task UnmountAsyncUnmountsAndDisposesTheFileSystemOnce()
    {
        TestMount mount = TestMount.Create();
        await using (mount)
        {
            Assert.Equal(TestFileSystem.HelloData, await File.ReadAllBytesAsync(mount["hello.txt"], TestContext.Current.CancellationToken));
            Assert.True(MountPointChecks.IsMounted(mount.Path));
            await mount.Handle.UnmountAsync(Timeout);
            Assert.True(mount.Handle.Completion.IsCompletedSuccessfully);
            Assert.False(MountPointChecks.IsMounted(mount.Path));
            Assert.Equal(1, mount.FileSystem.DisposeCount);
            Assert.Equal(mount.FileSystem.Opens, mount.FileSystem.Releases);
            await mount.Handle.UnmountAsync(Timeout);
            await mount.Handle.DisposeAsync();
        }

        Assert.Equal(1, mount.FileSystem.DisposeCount);
    }

    [Fact]
    public async Task UnmountWithAFileStillOpenEndsTheMount()
    {
        await using TestMount mount = TestMount.Create();
        using var file = File.OpenHandle(mount["big.bin"]);
        var buffer = new byte[4096];
        Assert.Equal(buffer.Length, RandomAccess.Read(file, buffer, 0));

        var clock = Stopwatch.StartNew();
        await mount.Handle.UnmountAsync(Timeout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"unmount took {clock.Elapsed}"); // woken at once, not after the 2 s detach fallback
        Assert.False(MountPointChecks.IsMounted(mount.Path));
        Assert.Equal(1, mount.FileSystem.DisposeCount);
        Assert.Equal(mount.FileSystem.Opens, mount.FileSystem.Releases); // the host released what the kernel could not
        Assert.ThrowsAny<IOException>(() => RandomAccess.Read(file, buffer, 40L << 20));
    }

    [Fact]
    public async Task AnExternalUnmountEndsTheMount()
    {
        await using TestMount mount = TestMount.Create();
        Native.LStatOrThrow(mount["hello.txt"]);
        Assert.Null(MountPointChecks.Fusermount("-u", mount.Path));
        await mount.Handle.Completion.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(1, mount.FileSystem.DisposeCount);
        Assert.False(MountPointChecks.IsMounted(mount.Path));
    }

    [Fact]
    public async Task MountTracesRequestsInDebugMode()
    {
        await using TestMount mount = TestMount.Create(options: TestMount.DefaultOptions with { Debug = true });
        Native.LStatOrThrow(mount["hello.txt"]);
        Assert.Contains(mount.Log, line => line.StartsWith("fuse: init proto 7.", StringComparison.Ordinal));
        // Traces are written after the reply, so the caller may see its answer first.
        Assert.True(Eventually.True(() => mount.Log.Contains("fuse: lookup 1 \"hello.txt\" -> OK")), string.Join("\n", mount.Log));
    }

    [Fact]
    public void AFailedMountStillDisposesTheFileSystem()
    {
        FuseEnvironment.RequireMounts();
        var fs = TestFileSystem.CreateStandard();
        string missing = Path.Join(TestRoot.NewDirectory(), "missing");
        var error = Assert.Throws<MountException>(() => FuseHost.Mount(fs, missing, TestMount.DefaultOptions));
        Assert.Equal(MountFailure.MountPointMissing, error.Failure);
        Assert.Equal(1, fs.DisposeCount);
    }

    [Fact]
    public void OptionsLibfuseRejectsFailTheMountCleanly()
    {
        FuseEnvironment.RequireMounts();
        var fs = TestFileSystem.CreateStandard();
        string path = TestRoot.NewDirectory();
        var options = TestMount.DefaultOptions with { ExtraOptions = ["no_such_option_at_all"], Log = _ => { } };
        var error = Assert.Throws<MountException>(() => FuseHost.Mount(fs, path, options));
        Assert.Equal(MountFailure.MountFailed, error.Failure);
        Assert.Contains("no_such_option_at_all", error.Message);
        Assert.Equal(1, fs.DisposeCount);
        Assert.False(MountPointChecks.IsMounted(path));
    }

    [Fact]
    public void InvalidNamesAreRejectedBeforeMounting()
    {
        FuseEnvironment.RequireMounts();
        var fs = TestFileSystem.CreateStandard();
        Assert.Throws<ArgumentException>(() => FuseHost.Mount(fs, TestRoot.NewDirectory(), TestMount.DefaultOptions with { FsName = "a,b" }));
        Assert.Equal(1, fs.DisposeCount);
    }

    [Theory]
    [InlineData(15)] // SIGTERM
    [InlineData(1)]  // SIGHUP
    public async Task ASignalToAForegroundMountUnmountsCleanly(int signal)
    {
        FuseEnvironment.RequireMounts();
        if (IgnoredAtStart(signal))
        {
            // An ignored signal stays ignored in children (that is what nohup is for): the mount
            // rightly keeps running, so there is nothing to test.
            Assert.Skip($"signal {signal} is ignored in this process (started under nohup?) and so in the mount's");
        }

        string path = TestRoot.NewDirectory();
        using Process child = MountChild.Start(path, autoUnmount: true);
        try
        {
            Assert.Equal("hello.txt", new FileInfo(Path.Join(path, "link")).LinkTarget);
            Assert.Equal(0, Native.Kill(child.Id, signal));
            await child.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.Equal(0, child.ExitCode);
            Assert.Contains("unmounted disposed=1", await child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken));
            Assert.False(MountPointChecks.IsMounted(path));
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }

            TestMount.ForceUnmount(path);
        }
    }

    // SigIgn in /proc/self/status: the hex mask of ignored signals (bit n-1 for signal n).
    private static bool IgnoredAtStart(int signal)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        ulong mask = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);
        return (mask & (1UL << (signal - 1))) != 0;
    }
}
