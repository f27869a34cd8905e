using System.Numerics;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Tests;

/// <summary>bloom v2 reading, validation, sizing and writing (docs/formats/midx-bloom.md, "bloom v2").</summary>
public sealed class BloomFilterTests : IDisposable
{
    private readonly LookupTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0L, null, 2, 5)]
    [InlineData(1L, null, 2, 5)]
    [InlineData(6L, null, 4, 5)]
    [InlineData(1L << 27, null, 29, 5)]
    [InlineData((1L << 27) + 1, null, 29, 5)]
    [InlineData(1L << 28, null, 30, 4)]
    [InlineData(1L << 36, null, 37, 4)]
    [InlineData(1L << 28, 5, 29, 5)]
    [InlineData(100L, 4, 8, 4)]
    public void SizingFollowsBup(long expected, int? k, int bits, int chosenK) =>
        Assert.Equal((bits, chosenK), BloomFilter.ComputeSize(expected, k));

    [Theory]
    [InlineData(5, 4)]
    [InlineData(5, 13)]
    [InlineData(4, 4)]
    [InlineData(4, 11)]
    public void WriteNewSetsExactlyTheSpecBits(int k, int bits)
    {
        var ids = LookupTestData.RandomIds(300, seed: bits + k);
        var a = LookupTestData.WriteIdx(_dir.Path, "pack-a.idx", ids[..200]);
        var b = LookupTestData.WriteIdx(_dir.Path, "pack-b.idx", ids[200..]);
        var expected = 1L << (bits - 2); // ComputeSize gives exactly `bits` for this many ids
        var path = Path.Combine(_dir.Path, "bup.bloom");
        BloomFilter.WriteNew(path, expected, [a, b], k);

        var table = IndependentTable(ids, bits, k);
        Assert.Equal(LookupTestData.BuildBloom(bits, k, 300, table, ["pack-a.idx", "pack-b.idx"]), File.ReadAllBytes(path));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "bup.tmp.bloom")));
        using var bloom = BloomFilter.Open(path);
        Assert.Equal((bits, k, 300L), (bloom.Bits, bloom.K, bloom.Entries));
        Assert.Equal(["pack-a.idx", "pack-b.idx"], bloom.IdxNames);
        Assert.All(ids, id => Assert.True(bloom.MayContain(id)));
    }

    [Fact]
    public void NegativeAnswersFollowTheTable()
    {
        var ids = LookupTestData.RandomIds(50, seed: 1);
        var table = IndependentTable(ids[..10], 12, 5);
        var path = _dir.Write("b.bloom", LookupTestData.BuildBloom(12, 5, 10, table, []));
        using var bloom = BloomFilter.Open(path);
        Assert.Empty(bloom.IdxNames);
        foreach (var id in ids)
        {
            Assert.Equal(AllBitsSet(table, id, 12, 5), bloom.MayContain(id));
        }

        Assert.Contains(ids[10..], id => !bloom.MayContain(id));
    }

    [Fact]
    public void AddInPlaceGivesTheSameFileAsAFreshBuild()
    {
        var ids = LookupTestData.RandomIds(6, seed: 2);
        var a = LookupTestData.WriteIdx(_dir.Path, "pack-a.idx", ids[..4]);
        var b = LookupTestData.WriteIdx(_dir.Path, "pack-b.idx", ids[4..]);
        var incremental = Path.Combine(_dir.Path, "inc.bloom");
        var fresh = Path.Combine(_dir.Path, "fresh.bloom");
        BloomFilter.WriteNew(incremental, 6, [a]);
        BloomFilter.AddInPlace(incremental, [b]);
        BloomFilter.WriteNew(fresh, 6, [a, b]);
        Assert.Equal(File.ReadAllBytes(fresh), File.ReadAllBytes(incremental));
    }

    [Fact]
    public void OtherVersionsAreDistinguishableFromDamage()
    {
        var path = _dir.Write("v1.bloom", LookupTestData.BuildBloom(4, 5, 0, new byte[16], [], version: 1));
        Assert.Null(BloomFilter.TryOpen(path, out var version));
        Assert.Equal(1, version);
        Assert.Equal(path, Assert.Throws<CorruptObjectException>(() => BloomFilter.Open(path)).Where);
    }

    public static TheoryData<string> CorruptionCases => ["empty", "short", "magic", "k3", "bits0", "bits30k5", "bits38k4", "tablePastEof"];

    [Theory]
    [MemberData(nameof(CorruptionCases))]
    public void DamagedFilesAreCorruptObjectExceptionsNamingTheFile(string damage)
    {
        var bytes = damage switch
        {
            "empty" => [],
            "short" => LookupTestData.BuildBloom(4, 5, 0, new byte[16], [])[..15],
            "magic" => [.. "BLOB"u8, .. LookupTestData.BuildBloom(4, 5, 0, new byte[16], [])[4..]],
            "k3" => LookupTestData.BuildBloom(4, 3, 0, new byte[16], []),
            "bits0" => LookupTestData.BuildBloom(0, 5, 0, new byte[1], []),
            "bits30k5" => LookupTestData.BuildBloom(30, 5, 0, new byte[16], []),
            "bits38k4" => LookupTestData.BuildBloom(38, 4, 0, new byte[16], []),
            "tablePastEof" => LookupTestData.BuildBloom(10, 5, 0, new byte[1023], []),
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        var path = _dir.Write("bad.bloom", bytes);
        Assert.Equal(path, Assert.Throws<CorruptObjectException>(() => BloomFilter.TryOpen(path, out _)).Where);
    }

    [Fact]
    public void FalsePositiveRateIsBupsFormula()
    {
        Assert.Equal(100 * Math.Pow(1 - Math.Exp(-30.0 / 128), 5), BloomFilter.FalsePositivePercent(4, 5, 6), 12);
        Assert.True(BloomFilter.FalsePositivePercent(20, 5, 100_000) < BloomFilter.MaxFalsePositivePercent);
        Assert.True(BloomFilter.FalsePositivePercent(20, 5, 1_000_000) > BloomFilter.MaxFalsePositivePercent);
    }

    /// <summary>The table per docs/formats/midx-bloom.md, "bloom v2", computed with big integers over the whole id (independent of the reader).</summary>
    internal static byte[] IndependentTable(IEnumerable<ObjectId> ids, int bits, int k)
    {
        var table = new byte[1 << bits];
        foreach (var id in ids)
        {
            foreach (var (index, bit) in Positions(id, bits, k))
            {
                table[index] |= (byte)(1 << bit);
            }
        }

        return table;
    }

    private static bool AllBitsSet(byte[] table, ObjectId id, int bits, int k) =>
        Positions(id, bits, k).All(p => (table[p.Index] & (1 << p.Bit)) != 0);

    private static IEnumerable<(int Index, int Bit)> Positions(ObjectId id, int bits, int k)
    {
        var whole = new BigInteger(id.ToArray(), isUnsigned: true, isBigEndian: true);
        var sliceBits = 160 / k;
        for (var j = 0; j < k; j++)
        {
            var slice = (whole >> (160 - ((j + 1) * sliceBits))) & ((BigInteger.One << sliceBits) - 1);
            yield return ((int)(slice >> (sliceBits - bits)), (int)((slice >> (sliceBits - bits - 3)) & 7));
        }
    }
}
