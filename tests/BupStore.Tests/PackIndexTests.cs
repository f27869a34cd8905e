using System.Buffers.Binary;
using System.Security.Cryptography;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Tests;

/// <summary>idx v2/v1 reading, writing and validation on hand-built files (docs/formats/pack-and-idx.md).</summary>
public sealed class PackIndexTests : IDisposable
{
    private readonly LookupTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadsHandBuiltV2()
    {
        var entries = LookupTestData.Entries(50, seed: 1);
        var packChecksum = LookupTestData.RandomIds(1, seed: 99)[0];
        var path = _dir.Write("a.idx", LookupTestData.BuildIdxV2(entries, packChecksum));
        using var idx = PackIndex.Open(path);
        Assert.Equal(2, idx.Version);
        Assert.Equal(50, idx.Count);
        Assert.Equal(packChecksum, idx.PackChecksum);
        Assert.True(idx.VerifyChecksum());
        var sorted = entries.OrderBy(e => e.Id).ToArray();
        for (var i = 0; i < sorted.Length; i++)
        {
            Assert.Equal(sorted[i].Id, idx.GetId(i));
            Assert.Equal(sorted[i].Offset, idx.GetOffset(i));
            Assert.Equal(sorted[i].Crc32, idx.GetCrc32(i));
            Assert.True(idx.TryFind(sorted[i].Id, out var offset));
            Assert.Equal(sorted[i].Offset, offset);
        }
    }

    [Fact]
    public void AbsentIdsAreNotFoundInEveryBucket()
    {
        var entries = LookupTestData.Entries(300, seed: 2);
        var path = _dir.Write("a.idx", LookupTestData.BuildIdxV2(entries, ObjectId.Zero));
        using var idx = PackIndex.Open(path);
        foreach (var id in LookupTestData.RandomIds(500, seed: 3))
        {
            Assert.False(idx.Contains(id));
            Assert.False(idx.TryFind(id, out _));
        }

        Assert.False(idx.Contains(ObjectId.Zero));
        Assert.False(idx.Contains(ObjectId.Parse(new string('f', 40))));
    }

    [Fact]
    public void FindsIdsAtTheExtremesOfTheFanout()
    {
        var low = ObjectId.Parse("00" + new string('1', 38));
        var high = ObjectId.Parse("ff" + new string('e', 38));
        PackIndexEntry[] entries = [new(high, 100, 1), new(low, 12, 2)];
        var path = _dir.Write("a.idx", LookupTestData.BuildIdxV2(entries, ObjectId.Zero));
        using var idx = PackIndex.Open(path);
        Assert.True(idx.TryFind(low, out var lowOffset));
        Assert.Equal(12, lowOffset);
        Assert.True(idx.TryFind(high, out var highOffset));
        Assert.Equal(100, highOffset);
        Assert.Equal(0, idx.FindIndex(low));
        Assert.Equal(1, idx.FindIndex(high));
    }

    [Fact]
    public void ReadsLargeOffsetsFromThe64BitTable()
    {
        var ids = LookupTestData.RandomIds(4, seed: 4);
        PackIndexEntry[] entries = [new(ids[0], 12, 1), new(ids[1], 0x7FFF_FFFF, 2), new(ids[2], 0x8000_0000, 3), new(ids[3], 0x1_2345_6789, 4)];
        var path = _dir.Write("a.idx", LookupTestData.BuildIdxV2(entries, ObjectId.Zero));
        using var idx = PackIndex.Open(path);
        foreach (var entry in entries)
        {
            Assert.True(idx.TryFind(entry.Id, out var offset));
            Assert.Equal(entry.Offset, offset);
        }
    }

    [Fact]
    public void ReadsHandBuiltV1()
    {
        var entries = LookupTestData.Entries(40, seed: 5);
        var path = _dir.Write("v1.idx", LookupTestData.BuildIdxV1(entries, ObjectId.Zero));
        using var idx = PackIndex.Open(path);
        Assert.Equal(1, idx.Version);
        Assert.False(idx.HasCrc32);
        Assert.Equal(40, idx.Count);
        Assert.True(idx.VerifyChecksum());
        foreach (var entry in entries)
        {
            Assert.True(idx.TryFind(entry.Id, out var offset));
            Assert.Equal(entry.Offset, offset);
        }

        Assert.Throws<InvalidOperationException>(() => idx.GetCrc32(0));
    }

    [Fact]
    public void EmptyIndexIsValid()
    {
        var path = _dir.Write("empty.idx", LookupTestData.BuildIdxV2([], ObjectId.Zero));
        using var idx = PackIndex.Open(path);
        Assert.Equal(0, idx.Count);
        Assert.False(idx.Contains(ObjectId.EmptyBlob));
    }

    [Fact]
    public void WriteMatchesTheIndependentEncoderForAnyInputOrder()
    {
        var ids = LookupTestData.RandomIds(3, seed: 6);
        var entries = LookupTestData.Entries(200, seed: 7).Concat([new(ids[0], 0x8000_0001, 7), new(ids[1], 0x3_0000_0000, 8)]).ToArray();
        var packChecksum = ids[2];
        var expected = LookupTestData.BuildIdxV2(entries, packChecksum);
        Random.Shared.Shuffle(entries);
        using var output = new MemoryStream();
        PackIndex.Write(output, entries, packChecksum);
        Assert.Equal(expected, output.ToArray());
    }

    [Fact]
    public void WriteRoundTripsThroughOpen()
    {
        var entries = LookupTestData.Entries(1000, seed: 8);
        var path = Path.Combine(_dir.Path, "rt.idx");
        using (var stream = File.Create(path))
        {
            PackIndex.Write(stream, entries, ObjectId.EmptyTree);
        }

        using var idx = PackIndex.Open(path);
        Assert.True(idx.VerifyChecksum());
        Assert.Equal(ObjectId.EmptyTree, idx.PackChecksum);
        foreach (var entry in entries)
        {
            var index = idx.FindIndex(entry.Id);
            Assert.Equal(entry.Offset, idx.GetOffset(index));
            Assert.Equal(entry.Crc32, idx.GetCrc32(index));
        }
    }

    [Fact]
    public void WriteRejectsDuplicatesAndNegativeOffsets()
    {
        var id = ObjectId.EmptyBlob;
        Assert.Throws<ArgumentException>(() => PackIndex.Write(Stream.Null, [new(id, 12, 0), new(id, 40, 0)], ObjectId.Zero));
        Assert.Throws<ArgumentException>(() => PackIndex.Write(Stream.Null, [new(id, -1, 0)], ObjectId.Zero));
    }

    [Fact]
    public void IndexArgumentsOutOfRangeAreCallerErrors()
    {
        var path = _dir.Write("a.idx", LookupTestData.BuildIdxV2(LookupTestData.Entries(3, seed: 9), ObjectId.Zero));
        using var idx = PackIndex.Open(path);
        Assert.Throws<ArgumentOutOfRangeException>(() => idx.GetId(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => idx.GetOffset(-1));
    }

    [Fact]
    public void VerifyChecksumDetectsAFlippedByte()
    {
        var bytes = LookupTestData.BuildIdxV2(LookupTestData.Entries(10, seed: 10), ObjectId.Zero);
        bytes[1040] ^= 1;
        using var idx = PackIndex.Open(_dir.Write("a.idx", bytes));
        Assert.False(idx.VerifyChecksum());
    }

    public static TheoryData<string> CorruptionCases => ["empty", "short", "version3", "fanout", "truncated", "extra4", "extra64", "v1-length"];

    [Theory]
    [MemberData(nameof(CorruptionCases))]
    public void DamagedFilesAreCorruptObjectExceptionsNamingTheFile(string damage)
    {
        var ids = LookupTestData.RandomIds(2, seed: 11);
        var entries = LookupTestData.Entries(20, seed: 12).Append(new(ids[0], 0x9000_0000, 0)).ToArray();
        var bytes = LookupTestData.BuildIdxV2(entries, ObjectId.Zero);
        bytes = damage switch
        {
            "empty" => [],
            "short" => bytes[..1000],
            "version3" => Patch(bytes, 4, 3),
            "fanout" => Patch(bytes, 8 + (4 * 100), 0x7FFF_FFFF),
            "truncated" => bytes[..^1],
            "extra4" => [.. bytes, 0, 0, 0, 0],
            "extra64" => [.. bytes, .. new byte[8 * 21]],
            "v1-length" => LookupTestData.BuildIdxV1(entries[..5], ObjectId.Zero)[..^24],
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        var path = _dir.Write("bad.idx", bytes);
        var error = Assert.Throws<CorruptObjectException>(() => PackIndex.Open(path));
        Assert.Equal(path, error.Where);
    }

    [Fact]
    public void LargeOffsetIndexOutOfRangeIsCorrupt()
    {
        var ids = LookupTestData.RandomIds(2, seed: 13);
        PackIndexEntry[] entries = [new(ids[0], 12, 0), new(ids[1], 0x8000_0000, 0)];
        var bytes = LookupTestData.BuildIdxV2(entries, ObjectId.Zero);
        var sorted = entries.OrderBy(e => e.Id).ToArray();
        var large = Array.FindIndex(sorted, e => e.Offset >= 0x8000_0000);
        var offsetsStart = 8 + 1024 + (2 * (20 + 4)); // header, fanout, ids, crcs
        Patch(bytes, offsetsStart + (4 * large), 0x8000_0001);
        var path = _dir.Write("a.idx", bytes);
        using var idx = PackIndex.Open(path);
        var error = Assert.Throws<CorruptObjectException>(() => idx.TryFind(sorted[large].Id, out _));
        Assert.Equal(path, error.Where);
        Assert.Equal(offsetsStart + (4 * large), error.Offset);
        Assert.True(idx.TryFind(sorted[1 - large].Id, out _));
    }

    internal static byte[] Patch(byte[] bytes, int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), value);
        return bytes;
    }
}

/// <summary>A temporary directory deleted with its contents on dispose.</summary>
internal sealed class LookupTestDirectory : IDisposable
{
    public LookupTestDirectory() => Path = Directory.CreateTempSubdirectory("bupstore-lookup-").FullName;

    public string Path { get; }

    public string Write(string name, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>
/// Independent, deliberately naive encoders of idx/midx/bloom used to build test inputs (no code
/// shared with the readers and writers under test).
/// </summary>
internal static class LookupTestData
{
    public static ObjectId[] RandomIds(int count, int seed)
    {
        var random = new Random(seed);
        var raw = new byte[ObjectId.Size];
        var ids = new HashSet<ObjectId>();
        while (ids.Count < count)
        {
            random.NextBytes(raw);
            ids.Add(ObjectId.FromBytes(raw));
        }

        return [.. ids];
    }

    public static PackIndexEntry[] Entries(int count, int seed)
    {
        var random = new Random(seed);
        return [.. RandomIds(count, seed).Select((id, i) => new PackIndexEntry(id, 12 + (i * 37), (uint)random.Next()))];
    }

    public static byte[] BuildIdxV2(IReadOnlyList<PackIndexEntry> entries, ObjectId packChecksum)
    {
        var sorted = entries.OrderBy(e => e.Id).ToArray();
        var output = new List<byte>([0xFF, 0x74, 0x4F, 0x63, 0, 0, 0, 2]);
        AppendFanout(output, sorted.Select(e => e.Id));
        foreach (var e in sorted)
        {
            output.AddRange(e.Id.ToArray());
        }

        foreach (var e in sorted)
        {
            AppendUInt32(output, e.Crc32);
        }

        var large = sorted.Where(e => e.Offset >= 0x8000_0000).ToList();
        foreach (var e in sorted)
        {
            AppendUInt32(output, e.Offset >= 0x8000_0000 ? 0x8000_0000u | (uint)large.IndexOf(e) : (uint)e.Offset);
        }

        foreach (var e in large)
        {
            AppendUInt32(output, (uint)(e.Offset >> 32));
            AppendUInt32(output, (uint)e.Offset);
        }

        return AppendTrailer(output, packChecksum);
    }

    public static byte[] BuildIdxV1(IReadOnlyList<PackIndexEntry> entries, ObjectId packChecksum)
    {
        var sorted = entries.OrderBy(e => e.Id).ToArray();
        var output = new List<byte>();
        AppendFanout(output, sorted.Select(e => e.Id));
        foreach (var e in sorted)
        {
            AppendUInt32(output, (uint)e.Offset);
            output.AddRange(e.Id.ToArray());
        }

        return AppendTrailer(output, packChecksum);
    }

    /// <summary>A midx v4 from already merged (sorted) ids with their which values.</summary>
    public static byte[] BuildMidx(int bits, IReadOnlyList<(ObjectId Id, uint Which)> sorted, IReadOnlyList<string> names, uint version = 4)
    {
        var output = new List<byte>("MIDX"u8.ToArray());
        AppendUInt32(output, version);
        AppendUInt32(output, (uint)bits);
        for (long p = 0; p < 1L << bits; p++)
        {
            AppendUInt32(output, (uint)sorted.Count(e => bits == 0 || (e.Id.Prefix32 >> (32 - bits)) <= p));
        }

        foreach (var e in sorted)
        {
            output.AddRange(e.Id.ToArray());
        }

        foreach (var e in sorted)
        {
            AppendUInt32(output, e.Which);
        }

        output.AddRange(System.Text.Encoding.UTF8.GetBytes(string.Join('\0', names)));
        return [.. output];
    }

    /// <summary>A bloom v2 header + table + names.</summary>
    public static byte[] BuildBloom(int bits, int k, uint entries, byte[] table, IReadOnlyList<string> names, uint version = 2)
    {
        var output = new List<byte>("BLOM"u8.ToArray());
        AppendUInt32(output, version);
        output.AddRange([(byte)(bits >> 8), (byte)bits, (byte)(k >> 8), (byte)k]);
        AppendUInt32(output, entries);
        output.AddRange(table);
        output.AddRange(System.Text.Encoding.UTF8.GetBytes(string.Join('\0', names)));
        return [.. output];
    }

    /// <summary>Writes an idx (through the writer under test, checked elsewhere) and returns its path.</summary>
    public static string WriteIdx(string directory, string name, IReadOnlyList<ObjectId> ids)
    {
        var path = Path.Combine(directory, name);
        using var stream = File.Create(path);
        PackIndex.Write(stream, [.. ids.Select((id, i) => new PackIndexEntry(id, 12 + (i * 30), 0))], ObjectId.Zero);
        return path;
    }

    private static void AppendFanout(List<byte> output, IEnumerable<ObjectId> sortedIds)
    {
        var firstBytes = sortedIds.Select(id => id.FirstByte).ToArray();
        for (var b = 0; b < 256; b++)
        {
            AppendUInt32(output, (uint)firstBytes.Count(f => f <= b));
        }
    }

    private static byte[] AppendTrailer(List<byte> output, ObjectId packChecksum)
    {
        output.AddRange(packChecksum.ToArray());
        output.AddRange(SHA1.HashData(output.ToArray()));
        return [.. output];
    }

    private static void AppendUInt32(List<byte> output, uint value) =>
        output.AddRange([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
