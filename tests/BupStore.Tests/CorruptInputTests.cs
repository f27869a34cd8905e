using System.Text;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using Repo = BupStore.Repository.Repository;

namespace BupStore.Tests;

/// <summary>Damaged trees, commits, packs, deltas and refs give clear errors and change nothing.</summary>
public sealed class CorruptInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bupfs-corrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Entry(string mode, byte[] name) =>
        [.. Encoding.ASCII.GetBytes(mode + " "), .. name, 0, .. new byte[20]];

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    public void TreeWithUnsafeNameIsRejected(string name)
    {
        var e = Assert.Throws<CorruptObjectException>(() => TreeCodec.Parse(Entry("100644", Encoding.ASCII.GetBytes(name)), "tree X"));
        Assert.Contains("tree X", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TreeTruncatedOrUnorderedOrBadModeIsRejected()
    {
        var good = Entry("100644", "a"u8.ToArray());
        Assert.Throws<CorruptObjectException>(() => TreeCodec.Parse(good[..^3], "t"));
        Assert.Throws<CorruptObjectException>(() => TreeCodec.Parse([.. Entry("100644", "b"u8.ToArray()), .. good], "t"));
        Assert.Throws<CorruptObjectException>(() => TreeCodec.Parse(Entry("100x44", "a"u8.ToArray()), "t"));
        Assert.Throws<CorruptObjectException>(() => TreeCodec.Parse([.. good, .. good], "t"));
    }

    [Fact]
    public void RandomTreeAndCommitBytesOnlyEverGiveCorruptObject()
    {
        var rng = new Random(3);
        var tree = TreeCodec.Format([new TreeEntry(GitFileMode.Regular, "x"u8.ToArray(), ObjectId.EmptyBlob), new TreeEntry(GitFileMode.Tree, "d"u8.ToArray(), ObjectId.EmptyTree)]);
        var commit = Encoding.ASCII.GetBytes($"tree {ObjectId.EmptyTree}\nauthor a <b> 1 +0000\ncommitter a <b> 1 +0000\n\nmsg\n");
        for (var i = 0; i < 3000; i++)
        {
            Mutate(rng, tree, b => TreeCodec.Parse(b, "t"));
            Mutate(rng, commit, b => CommitCodec.Parse(b, "c"));
        }
    }

    private static void Mutate(Random rng, byte[] original, Action<byte[]> parse)
    {
        var b = original[..rng.Next(0, original.Length + 1)];
        if (b.Length > 0)
        {
            b[rng.Next(b.Length)] = (byte)rng.Next(256);
        }

        try
        {
            parse(b);
        }
        catch (CorruptObjectException)
        {
        }
    }

    [Fact]
    public void DeltaOutOfRangeIsRejected()
    {
        byte[] baseData = [1, 2, 3];
        Assert.Equal(new byte[] { 2, 3 }, DeltaCodec.Apply(baseData, [3, 2, 0x91, 1, 2], "d"));
        Assert.Throws<CorruptObjectException>(() => DeltaCodec.Apply(baseData, [3, 2, 0x91, 2, 5], "d"));
        Assert.Throws<CorruptObjectException>(() => DeltaCodec.Apply(baseData, [4, 2, 0x91, 1, 2], "d"));
        Assert.Throws<CorruptObjectException>(() => DeltaCodec.Apply(baseData, [3, 2, 0], "d"));
        Assert.Throws<CorruptObjectException>(() => DeltaCodec.Apply(baseData, [3, 9, 5, 1], "d"));
    }

    [Fact]
    public void DamagedPackIsReportedAndNothingIsChanged()
    {
        using (var repo = Repo.Init(_dir))
        {
            using var w = repo.CreateWriter();
            for (var i = 0; i < 50; i++)
            {
                w.Write(ObjectType.Blob, Encoding.ASCII.GetBytes($"blob number {i} " + new string('x', i * 100)));
            }

            w.Close();
        }

        var pack = Directory.GetFiles(Path.Combine(_dir, "objects", "pack"), "*.pack").Single();
        var bytes = File.ReadAllBytes(pack);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(pack, bytes);
        var before = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        using (var repo = Repo.Open(_dir))
        {
            var report = RepositoryChecker.Run(repo, new FsckOptions { Quick = false });
            Assert.False(report.Clean);
            Assert.Contains(report.Problems, p => p.Message.Contains(pack, StringComparison.Ordinal) && p.Message.Contains("checksum", StringComparison.Ordinal));
            Assert.Contains(report.Problems, p => p.Message.Contains("object ", StringComparison.Ordinal));
        }

        var after = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, after[kv.Key]));
    }

    [Fact]
    public void TruncatedPackFailsReadsWithItsName()
    {
        ObjectId id;
        using (var repo = Repo.Init(_dir))
        {
            using var w = repo.CreateWriter();
            id = w.Write(ObjectType.Blob, new byte[100_000]);
            w.Close();
        }

        var pack = Directory.GetFiles(Path.Combine(_dir, "objects", "pack"), "*.pack").Single();
        using (var f = new FileStream(pack, FileMode.Open))
        {
            f.SetLength(40);
        }

        using var reopened = Repo.Open(_dir);
        var e = Assert.ThrowsAny<RepositoryException>(() => reopened.Objects.Read(id));
        Assert.Contains(Path.GetFileName(pack), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingObjectWrongTypeAndDanglingRef()
    {
        using var repo = Repo.Init(_dir);
        using var w = repo.CreateWriter();
        var blob = w.Write(ObjectType.Blob, "data"u8);
        w.Close();
        var missing = ObjectId.Parse("0123456789012345678901234567890123456789");
        Assert.Contains(missing.ToString(), Assert.Throws<ObjectNotFoundException>(() => repo.Objects.Read(missing)).Message, StringComparison.Ordinal);
        Assert.Throws<WrongObjectTypeException>(() => repo.Objects.ReadTree(blob));
        repo.Refs.Update("refs/heads/dangling", missing, ObjectId.Zero);
        var report = RepositoryChecker.Run(repo, new FsckOptions { Quick = true });
        Assert.Contains(report.Problems, p => p.Message.Contains("refs/heads/dangling", StringComparison.Ordinal));
        repo.Refs.Update("refs/heads/blob", blob, ObjectId.Zero);
        Assert.Contains(RepositoryChecker.Run(repo, new FsckOptions { Quick = true }).Problems, p => p.Message.Contains("not a commit", StringComparison.Ordinal));
    }

    [Fact]
    public void RefUpdateIsCompareAndSwap()
    {
        using var repo = Repo.Init(_dir);
        var a = ObjectId.EmptyTree;
        var b = ObjectId.EmptyBlob;
        repo.Refs.Update("refs/heads/x", a, ObjectId.Zero);
        Assert.Throws<RefConflictException>(() => repo.Refs.Update("refs/heads/x", b, ObjectId.Zero));
        repo.Refs.Update("refs/heads/x", b, a);
        Assert.True(repo.Refs.TryRead("refs/heads/x", out var now));
        Assert.Equal(b, now);
        Assert.Throws<RepositoryException>(() => repo.Refs.Update("refs/heads/../../evil", a, ObjectId.Zero));
    }
}
