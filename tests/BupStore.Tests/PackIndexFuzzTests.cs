using System.Buffers.Binary;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Tests;

/// <summary>
/// Randomized damage to valid idx, midx and bloom files: every outcome must be success or a
/// <see cref="CorruptObjectException"/> naming the file — never another exception, a hang or a crash.
/// </summary>
public sealed class PackIndexFuzzTests : IDisposable
{
    private readonly LookupTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void DamagedIdxV2()
    {
        var ids = LookupTestData.RandomIds(3, seed: 21);
        var entries = LookupTestData.Entries(60, seed: 22).Concat([new(ids[0], 0x8000_0000, 1), new(ids[1], 0x1_0000_0000, 2)]).ToArray();
        LookupFuzzer.Run(_dir, "f.idx", LookupTestData.BuildIdxV2(entries, ids[2]), seed: 23, ExerciseIdx);
    }

    [Fact]
    public void DamagedIdxV1()
    {
        LookupFuzzer.Run(_dir, "f1.idx", LookupTestData.BuildIdxV1(LookupTestData.Entries(30, seed: 24), ObjectId.Zero), seed: 25, ExerciseIdx);
    }

    [Fact]
    public void DamagedMidx()
    {
        var ids = LookupTestData.RandomIds(700, seed: 26).Order().Select((id, i) => (id, (uint)(i % 3))).ToArray();
        var bytes = LookupTestData.BuildMidx(MultiPackIndex.ComputeBits(ids.Length), ids, ["pack-a.idx", "pack-b.idx", "pack-c.idx"]);
        LookupFuzzer.Run(_dir, "f.midx", bytes, seed: 27, path =>
        {
            using var midx = MultiPackIndex.TryOpen(path, out _);
            if (midx is null)
            {
                return;
            }

            foreach (var (id, _) in ids.Take(50))
            {
                midx.TryFind(id, out _);
            }

            for (var i = 0; i < midx.Count; i += 7)
            {
                _ = midx.GetIdxName(i);
            }

            _ = midx.FindMissingIdx();
        });
    }

    [Fact]
    public void DamagedBloom()
    {
        var table = new byte[1 << 6];
        new Random(28).NextBytes(table);
        var bytes = LookupTestData.BuildBloom(6, 5, 10, table, ["pack-a.idx", "pack-b.idx"]);
        LookupFuzzer.Run(_dir, "f.bloom", bytes, seed: 29, path =>
        {
            using var bloom = BloomFilter.TryOpen(path, out _);
            foreach (var id in LookupTestData.RandomIds(20, seed: 30))
            {
                bloom?.MayContain(id);
            }
        });
    }

    private static void ExerciseIdx(string path)
    {
        using var idx = PackIndex.Open(path);
        for (var i = 0; i < idx.Count; i++)
        {
            var id = idx.GetId(i);
            idx.TryFind(id, out _);
            _ = idx.GetOffset(i);
            _ = idx.HasCrc32 ? idx.GetCrc32(i) : 0;
        }

        _ = idx.PackChecksum;
        _ = idx.VerifyChecksum();
    }
}

/// <summary>Mutates a valid file in random ways and checks that the parser only ever fails cleanly.</summary>
internal static class LookupFuzzer
{
    private const int Iterations = 400;

    public static void Run(LookupTestDirectory dir, string name, byte[] valid, int seed, Action<string> exercise)
    {
        var random = new Random(seed);
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var path = dir.Write(name, Mutate(valid, random));
            try
            {
                exercise(path);
            }
            catch (CorruptObjectException error)
            {
                Assert.Equal(path, error.Where);
            }
        }
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(5))
        {
            case 0:
                return bytes[..random.Next(bytes.Length)];
            case 1:
                return [.. bytes, .. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))];
            case 2:
                for (var flips = random.Next(1, 5); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            default:
                var at = random.Next(bytes.Length - 4) & ~(random.Next(2) == 0 ? 3 : 0);
                uint[] extremes = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFF, (uint)random.Next()];
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), extremes[random.Next(extremes.Length)]);
                return bytes;
        }
    }
}
