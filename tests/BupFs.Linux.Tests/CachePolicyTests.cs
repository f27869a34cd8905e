namespace BupFs.Linux.Tests;

/// <summary>
/// The kernel caches immutable nodes (names, attributes, listings, pages, misses) and only
/// briefly trusts mutable ones; observed through how many calls reach the test filesystem.
/// </summary>
public sealed class CachePolicyTests
{
    [Fact]
    public async Task ImmutableFileContentStaysInThePageCacheAcrossOpens()
    {
        await using TestMount mount = TestMount.Create();
        await File.ReadAllBytesAsync(mount["hello.txt"], TestContext.Current.CancellationToken);
        int reads = mount.FileSystem.Reads;
        await File.ReadAllBytesAsync(mount["hello.txt"], TestContext.Current.CancellationToken);
        Assert.Equal(reads, mount.FileSystem.Reads);
    }

    [Fact]
    public async Task MutableFileContentIsReadAgainOnEachOpen()
    {
        await using TestMount mount = TestMount.Create();
        await File.ReadAllBytesAsync(mount["mutable.txt"], TestContext.Current.CancellationToken);
        int reads = mount.FileSystem.Reads;
        await File.ReadAllBytesAsync(mount["mutable.txt"], TestContext.Current.CancellationToken);
        Assert.True(mount.FileSystem.Reads > reads, "the second open should have dropped the cached pages");
    }

    [Fact]
    public async Task ImmutableListingsAndNamesAreCached()
    {
        await using TestMount mount = TestMount.Create();
        Native.ListDirectory(mount["dir"]);
        Native.LStatOrThrow(mount["dir/file-007"]);
        (int listings, int lookups) = (mount.FileSystem.Listings, mount.FileSystem.Lookups);
        Native.ListDirectory(mount["dir"]);
        Native.LStatOrThrow(mount["dir/file-007"]);
        Assert.Equal((listings, lookups), (mount.FileSystem.Listings, mount.FileSystem.Lookups));
    }

    [Fact]
    public async Task MutableRootIsListedAgain()
    {
        await using TestMount mount = TestMount.Create();
        Native.ListDirectory(mount.Path);
        int listings = mount.FileSystem.Listings;
        Native.ListDirectory(mount.Path);
        Assert.Equal(listings + 1, mount.FileSystem.Listings);
    }

    [Fact]
    public async Task MissesAreCachedOnlyInImmutableDirectories()
    {
        await using TestMount mount = TestMount.Create();
        Native.TryLStat(mount["dir/missing"], out _);
        int lookups = mount.FileSystem.Lookups;
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["dir/missing"], out _));
        Assert.Equal(lookups, mount.FileSystem.Lookups);

        Native.TryLStat(mount["missing"], out _);
        lookups = mount.FileSystem.Lookups;
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["missing"], out _));
        Assert.Equal(lookups + 1, mount.FileSystem.Lookups);
    }

    [Fact]
    public async Task ChangesBelowTheMutableRootShowUpWithoutRemount()
    {
        await using TestMount mount = TestMount.Create();
        Assert.Equal(Errno.ENOENT, Native.TryLStat(mount["new-save"], out _));
        Assert.Equal("version 1\n", await File.ReadAllTextAsync(mount["mutable.txt"], TestContext.Current.CancellationToken));

        mount.FileSystem.AddFile(mount.FileSystem.RootDirectory, "new-save", "new\n"u8.ToArray());
        mount.FileSystem.SetData(mount.FileSystem.Find("mutable.txt"), "version 22\n"u8.ToArray());
        Assert.Equal("new\n", await File.ReadAllTextAsync(mount["new-save"], TestContext.Current.CancellationToken));
        Assert.Contains("new-save", Directory.GetFileSystemEntries(mount.Path).Select(Path.GetFileName));

        // The size of mutable.txt is cached for MutableCacheTimeout (1 s); after that it is fresh.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Native.LStatOrThrow(mount["mutable.txt"]).Size != 11 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal("version 22\n", await File.ReadAllTextAsync(mount["mutable.txt"], TestContext.Current.CancellationToken));
    }
}
