using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>Lookup counting, idle retention and collision handling of the node table.</summary>
[Collection(SavedTreeCollection.Name)]
public sealed class NodeTableTests(SavedTree tree)
{
    [Fact]
    public void LookupsCountAndForgetsReturnThem()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var directory = fs.Resolve(tree.SavePath("")).Inode;
        var small = fs.Lookup(directory, "small.txt"u8).Inode;
        Assert.Equal(small, fs.Lookup(directory, "small.txt"u8).Inode);
        Assert.Equal(2, fs.Nodes.LookupCount(small));
        fs.Forget(small, 1);
        Assert.Equal(1, fs.Nodes.LookupCount(small));
        fs.Forget(small, 10);
        Assert.Equal(0, fs.Nodes.LookupCount(small));
        foreach (var entry in fs.ReadDirectory(directory))
        {
            Assert.True(fs.Nodes.LookupCount(entry.Attributes.Inode) == 0 || entry.Name.Text() == "small.txt", "listing must not add references");
        }
    }

    [Fact]
    public void IdleNodesAreDroppedBeyondTheLimitButReferencedAndOpenNodesStay()
    {
        var (repository, fs) = tree.Open(new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, RetainedIdleNodes = 16 });
        using var _ = repository;
        using var __ = fs;
        var directory = fs.Resolve(tree.SavePath("")).Inode;
        var referenced = fs.Lookup(directory, "exec.sh"u8).Inode;
        var open = fs.Lookup(directory, "small.txt"u8).Inode;
        var handle = fs.Open(open, OpenFlags.Read);
        fs.Forget(open, 1);
        var listing = fs.ReadDirectory(directory);
        var d1 = fs.Resolve(tree.SavePath("d1")).Inode;
        fs.ReadDirectory(d1);
        Assert.True(fs.Nodes.Count < 16 + 10, $"{fs.Nodes.Count} nodes held");
        var dropped = listing.First(e => e.Attributes.Inode != referenced && e.Attributes.Inode != open).Attributes.Inode;
        Assert.Equal(FsError.NotFound, Assert.Throws<FsException>(() => fs.GetAttributes(dropped)).Error);
        Assert.Equal(NodeKind.File, fs.GetAttributes(referenced).Kind);
        Assert.Equal(6, fs.Read(handle, new byte[10], 0));
        fs.Release(handle);

        // Found again, a node gets the same number.
        Assert.Equal(dropped, fs.Lookup(directory, listing.First(e => e.Attributes.Inode == dropped).Name).Inode);
    }

    [Fact]
    public void InodeNumbersAreTheSameInEveryInstance()
    {
        var (repository1, fs1) = tree.Open();
        var (repository2, fs2) = tree.Open(new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, CacheSizeLimit = 1000 });
        using var _ = repository1;
        using var __ = fs1;
        using var ___ = repository2;
        using var ____ = fs2;
        foreach (var entry in tree.Entries.AsEnumerable().Reverse())
        {
            Assert.Equal(fs1.Resolve(tree.SavePath(entry.Path)).Inode, fs2.Resolve(tree.SavePath(entry.Path)).Inode);
        }

        Assert.Equal(InodeNumbers.Derive(InodeNumbers.Root, "main"u8), fs1.Resolve("/main").Inode);
        Assert.Equal(InodeNumbers.DeriveFolder(InodeNumbers.Root, "team"u8), fs1.Resolve("/team").Inode);
        Assert.Equal(InodeNumbers.Derive(fs1.Resolve("/team").Inode, "db"u8), fs1.Resolve("/team/db").Inode);
    }

    [Fact]
    public void CollidingIdentitiesGetDistinctStableNumbers()
    {
        var table = new NodeTable(new FakeNode(NodeIdentity.Root), 100, _ => 42);
        var a = table.Register(new FakeNode(NodeIdentity.Entry(1, "a"u8.ToArray())), addLookup: true);
        var b = table.Register(new FakeNode(NodeIdentity.Entry(1, "b"u8.ToArray())), addLookup: true);
        Assert.Equal(42ul, a.Inode);
        Assert.Equal(InodeNumbers.Perturb(42, 1), b.Inode);
        Assert.Same(b, table.Register(new FakeNode(NodeIdentity.Entry(1, "b"u8.ToArray())), addLookup: false));
        Assert.Same(a, table.Register(new FakeNode(NodeIdentity.Entry(1, "a"u8.ToArray())), addLookup: false));
        Assert.Equal(1, table.Collisions);
        Assert.Same(b, table.Get(b.Inode));

        var reserved = new NodeTable(new FakeNode(NodeIdentity.Root), 100, _ => InodeNumbers.Root);
        var c = reserved.Register(new FakeNode(NodeIdentity.Entry(1, "c"u8.ToArray())), addLookup: false);
        Assert.False(InodeNumbers.IsReserved(c.Inode));
        Assert.Equal(InodeNumbers.Root, reserved.Get(InodeNumbers.Root).Inode);
    }

    [Fact]
    public void DerivedNumbersNeverUseReservedValuesAndSeparateTheirKinds()
    {
        var seen = new HashSet<ulong>();
        for (var i = 0; i < 20_000; i++)
        {
            var name = System.Text.Encoding.ASCII.GetBytes($"n{i}");
            foreach (var inode in new[] { InodeNumbers.Derive(1, name), InodeNumbers.DeriveFolder(1, name), InodeNumbers.Derive(1, name, BupStore.Objects.ObjectId.EmptyTree), InodeNumbers.ForHardlink(BupStore.Objects.ObjectId.EmptyTree, name) })
            {
                Assert.False(InodeNumbers.IsReserved(inode));
                Assert.True(seen.Add(inode));
            }
        }

        Assert.Equal(InodeNumbers.Derive(7, "x"u8), InodeNumbers.Derive(7, "x"u8));
        Assert.NotEqual(InodeNumbers.Derive(7, "x"u8), InodeNumbers.Derive(8, "x"u8));
        var longName = new byte[3000];
        Assert.NotEqual(InodeNumbers.Derive(7, longName), InodeNumbers.Derive(7, longName.AsSpan(1)));
    }

    private sealed class FakeNode(NodeIdentity identity) : RepoNode(null!, identity)
    {
        public override NodeKind Kind => NodeKind.File;

        public override bool Immutable => true;

        protected override NodeAttributes ComputeAttributes() => new() { Inode = Inode };
    }
}
