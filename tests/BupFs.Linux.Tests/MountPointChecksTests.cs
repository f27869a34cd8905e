using System.Diagnostics;

namespace BupFs.Linux.Tests;

/// <summary>Mount point validation before mounting, and the unmount helper behind `bupfs umount`.</summary>
public sealed class MountPointChecksTests
{
    [Fact]
    public void AnEmptyDirectoryIsAcceptedAndCanonicalised()
    {
        string directory = TestRoot.NewDirectory();
        Assert.Equal(directory, MountPointChecks.Validate(directory + "/"));
        Assert.Equal(directory, MountPointChecks.Validate(Path.Join(directory, "..", Path.GetFileName(directory))));
    }

    [Fact]
    public void AMissingMountPointIsReported()
    {
        string missing = Path.Join(TestRoot.NewDirectory(), "nope");
        var error = Assert.Throws<MountException>(() => MountPointChecks.Validate(missing));
        Assert.Equal(MountFailure.MountPointMissing, error.Failure);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void AFileIsNotAMountPoint()
    {
        string file = Path.Join(TestRoot.NewDirectory(), "file");
        File.WriteAllText(file, "x");
        Assert.Equal(MountFailure.NotADirectory, Assert.Throws<MountException>(() => MountPointChecks.Validate(file)).Failure);
    }

    [Fact]
    public void AnotherFileSystemsMountIsRefused()
    {
        var error = Assert.Throws<MountException>(() => MountPointChecks.Validate("/proc"));
        Assert.Equal(MountFailure.AlreadyMounted, error.Failure);
        Assert.Contains("proc", error.Message);
        Assert.Equal(MountFailure.NotFuseMount, Assert.Throws<MountException>(() => MountPointChecks.Unmount("/proc")).Failure);
    }

    [Fact]
    public async Task ALiveFuseMountIsRefusedAlsoThroughASymlink()
    {
        await using TestMount mount = TestMount.Create();
        Assert.Equal(MountFailure.AlreadyMounted, Assert.Throws<MountException>(() => MountPointChecks.Validate(mount.Path)).Failure);
        string link = Path.Join(TestRoot.NewDirectory(), "link");
        File.CreateSymbolicLink(link, mount.Path);
        Assert.Equal(MountFailure.AlreadyMounted, Assert.Throws<MountException>(() => MountPointChecks.Validate(link)).Failure);

        var second = TestFileSystem.CreateStandard();
        var error = Assert.Throws<MountException>(() => FuseHost.Mount(second, mount.Path, TestMount.DefaultOptions));
        Assert.Equal(MountFailure.AlreadyMounted, error.Failure);
        Assert.Equal(1, second.DisposeCount);
    }

    [Fact]
    public void UnmountingSomethingNotMountedIsReported()
    {
        string directory = TestRoot.NewDirectory();
        Assert.Equal(MountFailure.NotMounted, Assert.Throws<MountException>(() => MountPointChecks.Unmount(directory)).Failure);
    }

    [Fact]
    public async Task UnmountHelperUnmountsALiveMount()
    {
        await using TestMount mount = TestMount.Create();
        MountPointChecks.Unmount(mount.Path);
        Assert.False(MountPointChecks.IsMounted(mount.Path));
        await mount.Handle.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(1, mount.FileSystem.DisposeCount);
    }

    [Fact]
    public async Task AStaleMountIsDetectedAndCanBeCleanedUp()
    {
        FuseEnvironment.RequireMounts();
        string path = TestRoot.NewDirectory();
        using Process child = MountChild.Start(path, autoUnmount: false);
        try
        {
            child.Kill(); // SIGKILL: no unmount, no watchdog
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(MountPointChecks.IsMounted(path));

            var error = Assert.Throws<MountException>(() => MountPointChecks.Validate(path));
            Assert.Equal(MountFailure.StaleMount, error.Failure);
            Assert.Contains("Transport endpoint is not connected", error.Message);
            Assert.Contains($"fusermount3 -u {path}", error.Message);

            MountPointChecks.Unmount(path);
            Assert.Equal(path, MountPointChecks.Validate(path));
        }
        finally
        {
            TestMount.ForceUnmount(path);
        }
    }
}
