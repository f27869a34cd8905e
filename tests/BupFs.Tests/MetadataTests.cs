using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>
/// Every entry of the saved tree, seen through the view, against lstat/readlink/getxattr of the
/// source as it was when saved (the --meta view of docs/formats/vfs-layout.md, "Modes, sizes and times").
/// </summary>
[Collection(SavedTreeCollection.Name)]
public sealed class MetadataTests(SavedTree tree)
{
    [Fact]
    public void ListingsHoldExactlyTheSourceNames()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        foreach (var directory in tree.Entries.Where(e => e.Kind == NodeKind.Directory))
        {
            var expected = tree.Entries.Where(e => e.Path.Length > 0 && e.Parent.AsSpan().SequenceEqual(directory.Path))
                .Select(e => e.Name).OrderBy(n => n, ByteArrayComparer.Instance).ToList();
            var listed = fs.ReadDirectory(fs.Resolve(tree.SavePath(directory.Path)).Inode).Select(e => e.Name).ToList();
            Assert.Equal(expected.Select(n => n.Text()), listed.Select(n => n.Text()));
            Assert.Equal(expected, listed, ByteArrayComparer.Instance);
        }
    }

    [Fact]
    public void EveryStatFieldMatchesLstatOfTheSource()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        Assert.True(tree.Entries.Count > 30);
        foreach (var source in tree.Entries)
        {
            var attributes = fs.Resolve(tree.SavePath(source.Path));
            AssertSameStat(source, attributes);
        }
    }

    [Fact]
    public void ListingAttributesEqualLookupAttributes()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var directory = fs.Resolve(tree.SavePath(""));
        foreach (var entry in fs.ReadDirectory(directory.Inode))
        {
            Assert.Equal(fs.Lookup(directory.Inode, entry.Name), entry.Attributes);
        }
    }

    [Fact]
    public void SymlinkTargetsAreTheSourceTargets()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var links = tree.Entries.Where(e => e.Kind == NodeKind.Symlink).ToList();
        Assert.Equal(4, links.Count);
        foreach (var link in links)
        {
            Assert.Equal(link.Target, fs.ReadLink(fs.Resolve(tree.SavePath(link.Path)).Inode));
        }

        var file = fs.Resolve(tree.SavePath("small.txt"));
        Assert.Equal(FsError.InvalidArgument, Assert.Throws<FsException>(() => fs.ReadLink(file.Inode)).Error);
    }

    [Fact]
    public void ExtendedAttributesAndAclsAreTheSourceValues()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var withXattrs = tree.Entries.Where(e => e.Xattrs.Count > 0).ToList();
        Assert.Equal(["acl.txt", "acldir", "d1", "xattr.txt"], withXattrs.Select(e => e.Display).Order(StringComparer.Ordinal));
        foreach (var source in tree.Entries.Where(e => e.Kind != NodeKind.Symlink))
        {
            var node = fs.Resolve(tree.SavePath(source.Path)).Inode;
            var names = fs.ListExtendedAttributes(node);
            Assert.Equal(source.Xattrs.Select(x => x.Name.Text()).Order(StringComparer.Ordinal), names.Select(n => n.Text()).Order(StringComparer.Ordinal));
            foreach (var (name, value) in source.Xattrs)
            {
                Assert.Equal(value, fs.GetExtendedAttribute(node, name));
            }

            Assert.Equal(FsError.NoAttribute, Assert.Throws<FsException>(() => fs.GetExtendedAttribute(node, "user.none"u8)).Error);
        }
    }

    [Fact]
    public void HardlinksShareOneInodeAndCountTheirNamesInTheSave()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var small = new[] { "small.txt", "hard1", "d1/hard2" }.Select(p => fs.Resolve(tree.SavePath(p))).ToList();
        Assert.Single(small.Select(a => a.Inode).Distinct());
        Assert.All(small, a => Assert.Equal(3u, a.LinkCount));
        var big = new[] { "big.bin", "bighard" }.Select(p => fs.Resolve(tree.SavePath(p))).ToList();
        Assert.Single(big.Select(a => a.Inode).Distinct());
        Assert.All(big, a => Assert.Equal(2u, a.LinkCount));
        Assert.NotEqual(small[0].Inode, big[0].Inode);

        // Every other entry has an inode of its own; the same hardlink group in another save is another inode.
        var all = tree.Entries.Select(e => fs.Resolve(tree.SavePath(e.Path)).Inode).ToList();
        Assert.Equal(tree.Entries.Count - 3, all.Distinct().Count());
        var older = fs.Resolve(tree.SavePath("small.txt", "/main/2023-11-14-221320"));
        Assert.NotEqual(small[0].Inode, older.Inode);
        Assert.Equal(3u, older.LinkCount);

        // In the dup saves only d1/hard2 of the group was saved.
        Assert.Equal(1u, fs.Resolve("/dup/latest" + tree.Source + "/d1/hard2").LinkCount);
    }

    [Fact]
    public void EverythingInsideASaveIsImmutable()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        Assert.All(tree.Entries, e => Assert.True(fs.Resolve(tree.SavePath(e.Path)).Immutable, e.Display));
        Assert.True(fs.Resolve("/main/latest/").Immutable);
    }

    private static void AssertSameStat(SourceEntry source, NodeAttributes attributes)
    {
        var what = source.Display;
        Assert.True(source.Kind == attributes.Kind, $"{what}: kind {attributes.Kind}, expected {source.Kind}");
        Assert.True(source.Mode == attributes.Mode, $"{what}: mode {Convert.ToString(attributes.Mode, 8)}, expected {Convert.ToString(source.Mode, 8)}");
        Assert.True(source.Uid == attributes.Uid && source.Gid == attributes.Gid, $"{what}: owner {attributes.Uid}:{attributes.Gid}");
        var size = source.Kind is NodeKind.File or NodeKind.Symlink ? source.Size : 0;
        Assert.True(size == attributes.Size, $"{what}: size {attributes.Size}, expected {size}");
        Assert.True(source.Rdev == attributes.RawDevice, $"{what}: rdev {attributes.RawDevice}, expected {source.Rdev}");
        Assert.True(source.LinkCount == attributes.LinkCount, $"{what}: nlink {attributes.LinkCount}, expected {source.LinkCount}");
        Assert.True(SourceEntry.Time(source.MtimeNs) == attributes.ModifyTime, $"{what}: mtime {attributes.ModifyTime}");
        Assert.True(SourceEntry.Time(source.AtimeNs) == attributes.AccessTime, $"{what}: atime {attributes.AccessTime}");
        Assert.True(SourceEntry.Time(source.CtimeNs) == attributes.ChangeTime, $"{what}: ctime {attributes.ChangeTime}");
    }
}
