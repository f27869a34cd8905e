using System.Security.Cryptography;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Fuzz;

/// <summary>Targets for the memory-mapped lookup files: pack idx (v1, v2), bup midx and bup bloom.</summary>
internal static class IndexTargets
{
    /// <summary>Entries walked per file: enough to reach every table, bounded so big counts stay fast.</summary>
    private const int MaxEntries = 4096;

    /// <summary>Opens an idx and reads every entry back through each accessor and a lookup.</summary>
    public static void Idx(ReadOnlySpan<byte> input)
    {
        using var idx = PackIndex.Open(ScratchFile.Write(input, ".idx"));
        for (var i = 0; i < Math.Min(idx.Count, MaxEntries); i++)
        {
            var id = idx.GetId(i);
            idx.TryFind(id, out _);
            _ = idx.GetOffset(i);
            _ = idx.HasCrc32 ? idx.GetCrc32(i) : 0;
        }

        foreach (var id in Probes(input))
        {
            idx.TryFind(id, out _);
        }

        _ = idx.PackChecksum;
        _ = idx.VerifyChecksum();
    }

    /// <summary>Opens a midx, looks every id up and names the idx holding it.</summary>
    public static void Midx(ReadOnlySpan<byte> input)
    {
        using var midx = MultiPackIndex.TryOpen(ScratchFile.Write(input, ".midx"), out _);
        if (midx is null)
        {
            return;
        }

        for (var i = 0; i < Math.Min(midx.Count, MaxEntries); i++)
        {
            midx.TryFind(midx.GetId(i), out _);
            _ = midx.GetIdxName(i);
        }

        foreach (var id in Probes(input))
        {
            midx.TryFind(id, out _);
        }

        _ = midx.FindMissingIdx();
    }

    /// <summary>Opens a bloom filter and probes it.</summary>
    public static void Bloom(ReadOnlySpan<byte> input)
    {
        using var bloom = BloomFilter.TryOpen(ScratchFile.Write(input, ".bloom"), out _);
        if (bloom is null)
        {
            return;
        }

        foreach (var id in Probes(input))
        {
            bloom.MayContain(id);
        }

        _ = bloom.FalsePositivePercent(1000);
    }

    /// <summary>Ids that depend on the input, so lookups land in different buckets each time.</summary>
    private static IEnumerable<ObjectId> Probes(ReadOnlySpan<byte> input)
    {
        var seed = SHA256.HashData(input);
        var ids = new ObjectId[8];
        for (var i = 0; i < ids.Length; i++)
        {
            seed = SHA256.HashData(seed);
            ids[i] = ObjectId.FromBytes(seed.AsSpan(0, ObjectId.Size));
        }

        return ids;
    }
}
