using System.Text;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Tests;

/// <summary>
/// .bupm files written by real bup 0.33, decoded with <see cref="BupmReader"/>, must agree field by
/// field with <see cref="MetadataReader.FromPath"/> on the same files (atime excepted: reading
/// during the save may move it).
/// </summary>
public sealed class RealBupMetadataTests(BupSaveFixture fixture) : IClassFixture<BupSaveFixture>
{
    public static TheoryData<string> Directories => ["", "d1", "d1/sub", "emptydir", "a", "acldir"];

    [Theory]
    [MemberData(nameof(Directories))]
    public void EveryRecordMatchesTheFilesystem(string relative)
    {
        var directory = ReadDirectory(relative);
        Assert.Equal(BupmStatus.Present, directory.Status);
        AssertSame(MetadataReader.FromPath(Encoding.UTF8.GetBytes(Path.Combine(fixture.Source, relative))), directory.Metadata!);
        foreach (var item in directory.Items.Where(i => i.HasRecord))
        {
            var recorded = item.Metadata!;
            var path = fixture.SourcePath(relative, item.Name);
            var hardlink = PosixFiles.LStat(path).LinkCount > 1 ? recorded.HardlinkTarget : null;
            AssertSame(MetadataReader.FromPath(path, hardlink), recorded);
        }
    }

    [Fact]
    public void TheSourceDirectoryHasTheExpectedRecords()
    {
        var directory = ReadDirectory("");
        var byName = directory.Items.ToDictionary(i => Encoding.Latin1.GetString(i.Name));
        Assert.Equal(ListDirectory(fixture.Source).Order(), byName.Keys.Order());
        Assert.True(byName["big.bin"].IsChunked);
        Assert.Equal(1200000, byName["big.bin"].Metadata!.Size);
        Assert.Equal(PosixFileType.Fifo, byName["fifo"].Metadata!.FileType);
        Assert.Null(byName["fifo"].Metadata!.Size);
        Assert.Equal(PosixFileType.Socket, byName["sock"].Metadata!.FileType);
        Assert.Equal("small.txt"u8.ToArray(), byName["link"].Metadata!.SymlinkTarget);
        Assert.Equal(new BupTimespec(-1, 250_000_000), byName["old"].Metadata!.Mtime);
        Assert.Equal(new BupTimespec(981173106, 123456789), byName["small.txt"].Metadata!.Mtime);
        Assert.Equal(0x9E8u, byName["empty"].Metadata!.Mode & 0xFFF); // 4750
        var smallTxt = fixture.SourcePath("", "small.txt"u8.ToArray());
        Assert.Equal(smallTxt, byName["small.txt"].Metadata!.HardlinkTarget);
        Assert.Equal(smallTxt, byName["hard1"].Metadata!.HardlinkTarget);
        Assert.Contains(byName["a.b"].Metadata!.Xattrs, x => x.Name.AsSpan().SequenceEqual("system.posix_acl_access"u8));
        Assert.Equal("u::rw-,u:nobody:r--,g::r--,m::r--,o::r--"u8.ToArray(), byName["a.b"].Metadata!.Acl!.Access);
        if (PosixFiles.IsSuperuser)
        {
            Assert.Equal(259, byName["chardev"].Metadata!.Rdev);
            Assert.Equal((4242L, 4343L), (byName["foo.bup"].Metadata!.Uid, byName["foo.bup"].Metadata!.Gid));
            Assert.Empty(byName["foo.bup"].Metadata!.User);
            Assert.Equal("nobody"u8.ToArray(), byName["bar.bupl"].Metadata!.User);
        }
    }

    [Fact]
    public void DirectoryDefaultAclIsRecorded()
    {
        var acl = ReadDirectory("acldir").Metadata!.Acl!;
        Assert.True(acl.HasDefault);
        Assert.Contains("g:nogroup:r-x", Encoding.ASCII.GetString(acl.Default), StringComparison.Ordinal);
        Assert.Contains("u:nobody:rwx", Encoding.ASCII.GetString(acl.Access), StringComparison.Ordinal);

        // A directory with an access ACL but no default one: bup writes empty default texts.
        var accessOnly = ReadDirectory("d1/sub").Metadata!.Acl!;
        Assert.False(accessOnly.HasDefault);
        Assert.Contains("u:nobody:r-x", Encoding.ASCII.GetString(accessOnly.Access), StringComparison.Ordinal);
    }

    [Fact]
    public void OurEncodingOfEachRecordIsBytesBupWrote()
    {
        RequireBup();
        foreach (var relative in new[] { "", "d1", "acldir" })
        {
            var entries = fixture.Tree(fixture.TreeOf(relative));
            var content = fixture.Content(entries[BupmReader.IndexOfBupm(entries)]);
            var records = Bupm.ReadAll(content, relative);
            var reencoded = records.SelectMany(r => r?.Encode() ?? [0]).ToArray();
            Assert.Equal(content, reencoded);
        }
    }

    [Fact]
    public void RecordsFollowUnmangledNameOrderNotTreeOrder()
    {
        RequireBup();
        // git sorts the tree "a" as "a/", after "a.b"; the items (and .bupm records) use plain names.
        var treeOrder = fixture.Tree(fixture.TreeOf()).Select(e => Encoding.Latin1.GetString(e.Name)).ToList();
        Assert.True(treeOrder.IndexOf("a.b") < treeOrder.IndexOf("a"));
        Assert.True(treeOrder.IndexOf("big.bin.bup") < treeOrder.IndexOf("chardev") || !PosixFiles.IsSuperuser);
        var names = ReadDirectory("").Items.Select(i => i.Name).ToList();
        Assert.True(names.FindIndex(n => n is [(byte)'a']) < names.FindIndex(n => n.AsSpan().SequenceEqual("a.b"u8)));
        Assert.Equal(names.Order(ByteOrder.Instance), names);
    }

    private void RequireBup()
    {
        if (fixture.Skip is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    private BupmDirectory ReadDirectory(string relative)
    {
        RequireBup();
        var entries = fixture.Tree(fixture.TreeOf(relative));
        var index = BupmReader.IndexOfBupm(entries);
        Assert.True(index >= 0, "bup wrote no .bupm");
        return BupmReader.Read(entries, fixture.Content(entries[index]), $".bupm of {relative}");
    }

    private static List<string> ListDirectory(string path)
    {
        var output = ProcessRunner.Run("find", [path, "-mindepth", "1", "-maxdepth", "1", "-printf", "%f\\0"]);
        return [.. Encoding.Latin1.GetString(output).Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static void AssertSame(BupMetadata expected, BupMetadata actual)
    {
        Assert.Equal(Convert.ToString(expected.Mode, 8), Convert.ToString(actual.Mode, 8));
        Assert.Equal((expected.Uid, expected.Gid, expected.Rdev), (actual.Uid, actual.Gid, actual.Rdev));
        Assert.Equal(expected.User, actual.User);
        Assert.Equal(expected.Group, actual.Group);
        Assert.Equal(expected.Mtime, actual.Mtime);
        Assert.Equal(expected.Ctime, actual.Ctime);
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.SymlinkTarget ?? [], actual.SymlinkTarget ?? []);
        Assert.Equal(expected.HardlinkTarget ?? [], actual.HardlinkTarget ?? []);
        Assert.Equal(expected.Acl, actual.Acl);
        Assert.Equal(expected.LinuxAttr ?? 0, actual.LinuxAttr ?? 0);
        Assert.Equal(expected.Xattrs, actual.Xattrs);
        var withSameAtime = expected.Clone();
        withSameAtime.Atime = actual.Atime;
        Assert.Equal(withSameAtime, actual);
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
