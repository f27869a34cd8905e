using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Tests;

/// <summary>.bupm content, the reader algorithm with count validation, mangling (docs/formats/saved-trees.md), defaults (docs/formats/vfs-layout.md).</summary>
public sealed class BupMetadataBupmTests
{
    private static readonly ObjectId SomeId = ObjectId.EmptyBlob;

    [Fact]
    public void SpecOrderExampleAssignsRecordsByUnmangledName()
    {
        // docs/formats/saved-trees.md, "The .bupm file": tree order .bupm, a.b, a.bup, a0; .bupm order: dir, a, a.b, a0.
        var content = Bupm.Build(Dir(), [(B("a0"), File(2)), (B("a"), File(1000000)), (B("a.b"), File(1))]);
        TreeEntry[] entries = [Blob(".bupm"), Blob("a.b"), Tree("a.bup"), Blob("a0")];
        var directory = BupmReader.Read(entries, content, "t");

        Assert.Equal(BupmStatus.Present, directory.Status);
        Assert.Null(directory.Problem);
        Assert.Equal(["a", "a.b", "a0"], directory.Items.Select(i => Text(i.Name)));
        Assert.Equal([1000000L, 1L, 2L], directory.Items.Select(i => i.Metadata!.Size!.Value));
        Assert.True(directory.Items[0].IsChunked);
        Assert.Equal(0L, directory.ResolveDirectory().Size); // record had none: bup shows 0
        Assert.Null(directory.Metadata!.Size);
    }

    [Fact]
    public void SubdirectoriesTakeNoRecordButChunkedFilesDo()
    {
        var content = Bupm.Build(Dir(), [(B("l"), Link("x")), (B("x"), File(9)), (B("f.bup"), File(5))]);
        TreeEntry[] entries =
        [
            Blob(".bupm"), Tree("d"), Blob("f.bup.bupl"), Tree("g.bup.bupl"), new(GitFileMode.Symlink, B("l"), SomeId), Tree("x.bup"),
        ];
        var directory = BupmReader.Read(entries, content, "t");

        Assert.Equal(["d", "f.bup", "g.bup", "l", "x"], directory.Items.Select(i => Text(i.Name)));
        Assert.Equal([true, false, true, false, false], directory.Items.Select(i => i.IsDirectory));
        Assert.Null(directory.Items[0].Metadata);
        Assert.Equal(5, directory.Items[1].Metadata!.Size);
        Assert.Equal(PosixFileType.Symlink, directory.Items[3].Metadata!.FileType);
        Assert.Equal(9, directory.Items[4].Metadata!.Size);
        Assert.Equal(MetadataDefaults.DirectoryMode, directory.Items[0].Resolve()!.Mode);
        Assert.Equal(3, directory.IndexOf("l"u8));
        Assert.Equal(-1, directory.IndexOf("e"u8));
    }

    [Fact]
    public void CountMismatchFallsBackToDefaultsAndReportsIt()
    {
        // bup 0.25-0.30.0 could drop a record: 3 entries need 4 objects, only 3 present.
        var content = Bupm.Build(Dir(), [(B("a"), File(1)), (B("b"), Link("zz"))]);
        TreeEntry[] entries = [Blob(".bupm"), Blob("a"), Blob("b"), new(GitFileMode.Symlink, B("c"), SomeId)];
        var directory = BupmReader.Read(entries, content, "bupm 1234");

        Assert.Equal(BupmStatus.CountMismatch, directory.Status);
        Assert.Contains("bupm 1234", directory.Problem, StringComparison.Ordinal);
        Assert.Contains("3 metadata objects but the tree needs 4", directory.Problem, StringComparison.Ordinal);
        Assert.All(directory.Items, i => Assert.Null(i.Metadata));
        Assert.Equal(MetadataDefaults.SymlinkMode, directory.Items[2].Resolve()!.Mode);
        Assert.Equal(MetadataDefaults.FileMode, directory.Items[1].Resolve()!.Mode); // not b's symlink record
        Assert.Equal(0x41EDu, directory.Metadata!.Mode);

        var tooMany = Bupm.Build(Dir(), [(B("a"), File(1)), (B("b"), File(1)), (B("c"), File(1)), (B("d"), File(1))]);
        Assert.Equal(BupmStatus.CountMismatch, BupmReader.Read(entries, tooMany, "t").Status);
        Assert.Equal(BupmStatus.CountMismatch, BupmReader.Read(entries, [], "t").Status);
    }

    [Fact]
    public void EmptyRecordsMeanDefaultsForThatEntryOnly()
    {
        var content = Bupm.Build(null, [(B("a"), null), (B("b"), File(4))]);
        var directory = BupmReader.Read([Blob(".bupm"), Blob("a"), Blob("b")], content, "t");

        Assert.Equal(BupmStatus.Present, directory.Status);
        Assert.Null(directory.Metadata);
        Assert.Equal(MetadataDefaults.DirectoryMode, directory.ResolveDirectory().Mode);
        Assert.Null(directory.Items[0].Metadata);
        Assert.Equal(MetadataDefaults.FileMode, directory.Items[0].Resolve()!.Mode);
        Assert.Equal(4, directory.Items[1].Metadata!.Size);
    }

    [Fact]
    public void EqualDemangledNamesKeepTreeOrder()
    {
        var content = Bupm.Build(Dir(), [(B("foo"), File(1)), (B("foo"), File(2))]);
        var directory = BupmReader.Read([Blob(".bupm"), Blob("foo"), Blob("foo.bupl")], content, "t");
        Assert.Equal(["foo", "foo.bupl"], directory.Items.Select(i => Text(i.Entry.Name)));
        Assert.Equal([1L, 2L], directory.Items.Select(i => i.Metadata!.Size!.Value));
        Assert.Equal(0, directory.IndexOf("foo"u8));
    }

    [Fact]
    public void TreesWithoutBupmUseTheSpecDefaults()
    {
        TreeEntry[] entries =
        [
            Blob("f"), new(GitFileMode.Executable, B("e"), SomeId), Tree("d"), Tree("c.bup"),
            new(GitFileMode.Symlink, B("l"), SomeId), new(GitFileMode.Gitlink, B("m"), SomeId),
        ];
        Assert.Equal(-1, BupmReader.IndexOfBupm(entries));
        var directory = BupmReader.WithoutBupm(entries);
        Assert.Equal(BupmStatus.Absent, directory.Status);
        var modes = directory.Items.ToDictionary(i => Text(i.Name), i => i.Resolve()?.Mode);
        Assert.Equal(0x81A4u, modes["f"]);
        Assert.Equal(0x81A4u, modes["e"]);
        Assert.Equal(0x41EDu, modes["d"]);
        Assert.Equal(0x81A4u, modes["c"]);
        Assert.Equal(0xA1EDu, modes["l"]);
        Assert.Null(modes["m"]);
        Assert.Equal(0L, directory.Items.Single(i => Text(i.Name) == "d").Resolve()!.Size);
        Assert.Null(directory.Items.Single(i => Text(i.Name) == "f").Resolve()!.Size);
    }

    [Fact]
    public void ReadAllCountsObjectsAndRejectsDamage()
    {
        var content = Bupm.Build(Dir(), [(B("a"), File(1)), (B("b"), null)]);
        Assert.Equal(3, Bupm.ReadAll(content, "t").Count);
        Assert.Null(Bupm.ReadAll(content, "t")[2]);
        Assert.Throws<CorruptObjectException>(() => Bupm.ReadAll(content[..^2], "t"));
        Assert.Throws<CorruptObjectException>(() => BupmReader.Read([Blob(".bupm"), Blob("a")], content[..^2], "t"));
    }

    [Theory]
    [InlineData("foo.bup", false, "foo.bup.bupl")]
    [InlineData("bar.bupl", false, "bar.bupl.bupl")]
    [InlineData("x.bupm", false, "x.bupm.bupl")]
    [InlineData("x.bupa", false, "x.bupa.bupl")]
    [InlineData(".bup", false, ".bup.bupl")]
    [InlineData(".bupm", false, ".bupm.bupl")]
    [InlineData("big.bin", true, "big.bin.bup")]
    [InlineData("a.bup", true, "a.bup.bup")]
    [InlineData("plain", false, "plain")]
    [InlineData("x.bu", false, "x.bu")]
    [InlineData("x.bupxy", false, "x.bupxy")]
    [InlineData("", false, "")]
    public void ManglingFollowsTheSpecExamples(string name, bool chunked, string mangled)
    {
        Assert.Equal(mangled, Text(NameMangling.Mangle(B(name), chunked)));
        var back = NameMangling.Demangle(B(mangled), chunked ? GitFileMode.Tree : GitFileMode.Regular, out var isChunked);
        Assert.Equal(name, Text(back.ToArray()));
        Assert.Equal(chunked, isChunked);
    }

    [Fact]
    public void DemanglingOfBupmDependsOnTheMode()
    {
        Assert.Equal("", Text(NameMangling.Demangle(".bupm"u8, GitFileMode.Tree, out var chunked).ToArray()));
        Assert.True(chunked);
        NameMangling.Demangle(".bupm"u8, GitFileMode.Regular, out chunked);
        Assert.False(chunked);
    }

    [Fact]
    public void ManglingRoundTripsForAllShortNamesOverATrickyAlphabet()
    {
        var alphabet = ".bupml\xff"u8.ToArray();
        foreach (var name in Names(alphabet, 6))
        {
            foreach (var chunked in new[] { false, true })
            {
                foreach (var mode in chunked ? [GitFileMode.Tree] : new[] { GitFileMode.Tree, GitFileMode.Regular, GitFileMode.Symlink })
                {
                    var back = NameMangling.Demangle(NameMangling.Mangle(name, chunked), mode, out var isChunked);
                    Assert.True(back.SequenceEqual(name), Convert.ToHexString(name));
                    Assert.Equal(chunked, isChunked);
                }
            }
        }
    }

    private static IEnumerable<byte[]> Names(byte[] alphabet, int maxLength)
    {
        IEnumerable<byte[]> level = [[]];
        for (var length = 0; length <= maxLength; length++)
        {
            foreach (var name in level)
            {
                yield return name;
            }

            level = level.SelectMany(name => alphabet.Select(b => (byte[])[.. name, b])).ToList();
        }
    }

    private static byte[] B(string s) => System.Text.Encoding.Latin1.GetBytes(s);

    private static string Text(byte[] b) => System.Text.Encoding.Latin1.GetString(b);

    private static TreeEntry Blob(string name) => new(GitFileMode.Regular, B(name), SomeId);

    private static TreeEntry Tree(string name) => new(GitFileMode.Tree, B(name), ObjectId.EmptyTree);

    private static BupMetadata Dir() => new() { Mode = 0x41ED, User = "root"u8.ToArray() };

    private static BupMetadata File(long size) => new() { Mode = 0x81A4, Size = size };

    private static BupMetadata Link(string target) => new() { Mode = 0xA1FF, Size = target.Length, SymlinkTarget = B(target) };
}
