using System.Security.Cryptography;
using System.Text;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Tests;

/// <summary>midx v4 reading, validation and writing on hand-built inputs (docs/formats/midx-bloom.md, "midx v4").</summary>
public sealed class MultiPackIndexTests : IDisposable
{
    private static readonly string[] ThreeNames = ["pack-a.idx", "pack-b.idx", "pack-c.idx"];
    private readonly LookupTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0, 5)]
    [InlineData(4, 700)]
    [InlineData(1, 3)]
    public void ReadsHandBuiltMidx(int bits, int count)
    {
        var merged = Merged(count, seed: bits);
        var path = _dir.Write("m.midx", LookupTestData.BuildMidx(bits, merged, ThreeNames));
        using var midx = MultiPackIndex.Open(path);
        Assert.Equal(bits, midx.Bits);
        Assert.Equal(count, midx.Count);
        Assert.Equal(ThreeNames, midx.IdxNames);
        for (var i = 0; i < merged.Length; i++)
        {
            Assert.Equal(merged[i].Id, midx.GetId(i));
            Assert.True(midx.TryFind(merged[i].Id, out var name));
            Assert.Equal(ThreeNames[merged[i].Which], name);
        }

        foreach (var absent in LookupTestData.RandomIds(200, seed: 100 + bits))
        {
            Assert.Equal(merged.Any(e => e.Id == absent), midx.Contains(absent));
        }
    }

    [Fact]
    public void OtherVersionsAreDistinguishableFromDamage()
    {
        var path = _dir.Write("v3.midx", LookupTestData.BuildMidx(0, Merged(3, 1), ThreeNames, version: 3));
        Assert.Null(MultiPackIndex.TryOpen(path, out var version));
        Assert.Equal(3, version);
        Assert.Equal(path, Assert.Throws<CorruptObjectException>(() => MultiPackIndex.Open(path)).Where);
    }

    public static TheoryData<string> CorruptionCases => ["empty", "magic", "short", "bits40", "tablePastEof", "notMonotonic", "idsPastEof", "whichPastEof"];

    [Theory]
    [MemberData(nameof(CorruptionCases))]
    public void DamagedFilesAreCorruptObjectExceptionsNamingTheFile(string damage)
    {
        var bytes = LookupTestData.BuildMidx(2, Merged(30, 2), ThreeNames);
        var tableEnd = 12 + (4 * 4);
        bytes = damage switch
        {
            "empty" => [],
            "magic" => [.. "MIDY"u8, .. bytes[4..]],
            "short" => bytes[..10],
            "bits40" => PackIndexTests.Patch(bytes, 8, 40),
            "tablePastEof" => PackIndexTests.Patch(bytes, 8, 20),
            "notMonotonic" => PackIndexTests.Patch(bytes, 12, 29),
            "idsPastEof" => PackIndexTests.Patch(bytes, tableEnd - 4, 40),
            "whichPastEof" => bytes[..(tableEnd + (30 * 24) - 1)],
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        var path = _dir.Write("bad.midx", bytes);
        Assert.Equal(path, Assert.Throws<CorruptObjectException>(() => MultiPackIndex.TryOpen(path, out _)).Where);
    }

    [Fact]
    public void WhichOutsideTheNameListIsCorruptWhenRead()
    {
        var merged = Merged(10, 3);
        merged[4] = (merged[4].Id, 3);
        var path = _dir.Write("m.midx", LookupTestData.BuildMidx(0, merged, ThreeNames));
        using var midx = MultiPackIndex.Open(path);
        var error = Assert.Throws<CorruptObjectException>(() => midx.TryFind(merged[4].Id, out _));
        Assert.Equal(path, error.Where);
        Assert.True(midx.Contains(merged[4].Id));
        Assert.True(midx.TryFind(merged[5].Id, out _));
    }

    [Fact]
    public void FindMissingIdxChecksTheMidxDirectoryAndRejectsPaths()
    {
        File.WriteAllBytes(Path.Combine(_dir.Path, "pack-a.idx"), []);
        Directory.CreateDirectory(Path.Combine(_dir.Path, "sub"));
        File.WriteAllBytes(Path.Combine(_dir.Path, "sub", "x.idx"), []);
        var path = _dir.Write("m.midx", LookupTestData.BuildMidx(0, Merged(2, 4), ["pack-a.idx", "pack-b.idx", "sub/x.idx", ""]));
        using var midx = MultiPackIndex.Open(path);
        Assert.Equal(["pack-b.idx", "sub/x.idx", ""], midx.FindMissingIdx());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(409, 0)]
    [InlineData(410, 1)]
    [InlineData(2870, 4)]
    [InlineData(1_000_000, 13)]
    public void BitsFollowBupsPageRule(long total, int bits) => Assert.Equal(bits, MultiPackIndex.ComputeBits(total));

    [Fact]
    public void WriteMergesDistinctIdxFilesIntoTheExpectedBytes()
    {
        var ids = LookupTestData.RandomIds(500, seed: 5);
        string[] inputs = [Idx("pack-a.idx", ids[..300]), Idx("pack-b.idx", ids[300..499]), Idx("pack-c.idx", ids[499..])];
        var written = MultiPackIndex.Write(_dir.Path, inputs);

        var expectedName = "midx-" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Join('\0', inputs)))) + ".midx";
        Assert.Equal(Path.Combine(_dir.Path, expectedName), written);
        var merged = ids.Select((id, i) => (id, (uint)(i < 300 ? 0 : i < 499 ? 1 : 2))).OrderBy(e => e.id).ToArray();
        Assert.Equal(LookupTestData.BuildMidx(1, merged, ThreeNames), File.ReadAllBytes(written));
        Assert.Equal([expectedName, "pack-a.idx", "pack-b.idx", "pack-c.idx"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void DuplicatesFollowBupsCursorOrder()
    {
        // bup's merge keeps tied cursors in input order and emits from the end, so for a tie the later
        // input's copy comes first (confirmed byte-for-byte against bup in MidxCompatTests).
        var ids = LookupTestData.RandomIds(3, seed: 6).Order().ToArray();
        string[] inputs = [Idx("pack-a.idx", [ids[0], ids[1]]), Idx("pack-b.idx", [ids[0], ids[2]]), Idx("pack-c.idx", [ids[1]])];
        using var midx = MultiPackIndex.Open(MultiPackIndex.Write(_dir.Path, inputs));
        Assert.Equal([ids[0], ids[0], ids[1], ids[1], ids[2]], Enumerable.Range(0, 5).Select(midx.GetId));
        Assert.Equal(["pack-b.idx", "pack-a.idx", "pack-c.idx", "pack-a.idx", "pack-b.idx"], Enumerable.Range(0, 5).Select(midx.GetIdxName));
    }

    [Fact]
    public void MidxInputsContributeTheirNamesAndRebasedWhich()
    {
        var ids = LookupTestData.RandomIds(60, seed: 7);
        var a = Idx("pack-a.idx", ids[..20]);
        var b = Idx("pack-b.idx", ids[20..40]);
        var c = Idx("pack-c.idx", ids[40..]);
        var direct = File.ReadAllBytes(MultiPackIndex.Write(_dir.Path, [a, b, c]));
        var inner = MultiPackIndex.Write(_dir.Path, [a, b]);
        var nested = File.ReadAllBytes(MultiPackIndex.Write(_dir.Path, [inner, c]));
        Assert.Equal(direct, nested);
    }

    [Fact]
    public void ExplicitWriteSkipsAMidxWithAMissingIdxWithoutDeletingIt()
    {
        var ids = LookupTestData.RandomIds(30, seed: 8);
        var a = Idx("pack-a.idx", ids[..10]);
        var stale = _dir.Write("stale.midx", LookupTestData.BuildMidx(0, [(ids[10], 0)], ["pack-gone.idx"]));
        using var midx = MultiPackIndex.Open(MultiPackIndex.Write(_dir.Path, [a, stale]));
        Assert.Equal(["pack-a.idx"], midx.IdxNames);
        Assert.Equal(10, midx.Count);
        Assert.True(File.Exists(stale));
    }

    [Fact]
    public void UnsortedInputIsReportedInsteadOfWritingAWrongMidx()
    {
        var ids = LookupTestData.RandomIds(20, seed: 9).Order().ToArray();
        var bytes = LookupTestData.BuildIdxV2([.. ids.Select((id, i) => new PackIndexEntry(id, 12 + i, 0))], ObjectId.Zero);
        ids[^1].WriteTo(bytes.AsSpan(1032));
        ids[0].WriteTo(bytes.AsSpan(1032 + (19 * 20)));
        var path = _dir.Write("pack-u.idx", bytes);
        var error = Assert.Throws<CorruptObjectException>(() => MultiPackIndex.Write(_dir.Path, [path, Idx("pack-a.idx", LookupTestData.RandomIds(2, 10))]));
        Assert.Equal(path, error.Where);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.midx"));
        Assert.Equal(2, Directory.GetFileSystemEntries(_dir.Path).Length);
    }

    private string Idx(string name, IReadOnlyList<ObjectId> ids) => LookupTestData.WriteIdx(_dir.Path, name, ids);

    private static (ObjectId Id, uint Which)[] Merged(int count, int seed) =>
        [.. LookupTestData.RandomIds(count, seed).Order().Select((id, i) => (id, (uint)(i % 3)))];
}
