namespace BupFs.Linux.Tests;

/// <summary>
/// The kernel's lookup references (docs/fuse-interop.md, "Lookup counts and forget"): every LOOKUP reply and every
/// readdirplus entry with a node id adds one; the filesystem must see each of them as a Lookup,
/// or it may forget a node the kernel still addresses.
/// </summary>
public sealed class LookupCountTests
{
    [Fact]
    public async Task EveryReaddirplusEntryTakesOneLookupReference()
    {
        await using TestMount mount = TestMount.Create();
        // The first listing of a directory is a readdirplus (READDIRPLUS_AUTO asks for it at offset 0).
        var listed = Native.ListDirectory(mount["dir"]).Where(entry => entry.Name is not [(byte)'.'] and not [(byte)'.', (byte)'.']).ToList();
        Assert.Equal(301, listed.Count);
        Assert.All(listed, entry => Assert.Equal(1, mount.FileSystem.References(entry.Inode)));

        // The kernel now knows every entry: stat needs no LOOKUP and takes no new reference.
        int lookups = mount.FileSystem.Lookups;
        Native.LStatOrThrow(mount["dir/file-123"]);
        Assert.Equal(lookups, mount.FileSystem.Lookups);
        Assert.Equal(1, mount.FileSystem.References(mount.FileSystem.Find("dir/file-123").Id));
    }

    [Fact]
    public async Task APlainLookupTakesOneReference()
    {
        await using TestMount mount = TestMount.Create();
        Native.LStatOrThrow(mount["dir/sub/deep.txt"]);
        Assert.Equal(1, mount.FileSystem.References(mount.FileSystem.Find("dir/sub/deep.txt").Id));
        Assert.Equal(1, mount.FileSystem.References(mount.FileSystem.Find("dir/sub").Id));
    }
}
