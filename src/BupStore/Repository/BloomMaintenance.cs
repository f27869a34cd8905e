using BupStore.Formats;

namespace BupStore.Repository;

/// <summary>
/// bup's bloom policies over an <c>objects/pack</c> directory (docs/formats/midx-bloom.md, "The lookup chain", "Sizing and policy"; bup
/// <c>cmd/bloom.py</c> <c>do_bloom</c> and <c>git.PackIdxList.refresh</c>): keeping
/// <c>bup.bloom</c> up to date, and when a lookup may trust it.
/// </summary>
/// <remarks>
/// Not thread-safe against concurrent maintenance of the same directory (bup does not lock either).
/// Fresh filters are published by rename; incremental adds are in place but ordered so that a crash
/// can only cause false positives (see <see cref="BloomFilter.AddInPlace"/>).
/// </remarks>
public static class BloomMaintenance
{
    /// <summary>The one bloom file of a repository.</summary>
    public const string FileName = "bup.bloom";

    /// <summary>
    /// A bloom's negative answers may be trusted only when it covers at least as many ids as all the
    /// indexes a lookup loaded (midx and idx counts summed, as bup sums them): right after a new pack
    /// appears, before <c>bup bloom</c> ran, the filter knows nothing of the new ids.
    /// </summary>
    public static bool IsUsable(BloomFilter bloom, long loadedObjectCount)
    {
        ArgumentNullException.ThrowIfNull(bloom);
        return bloom.Entries >= loadedObjectCount;
    }

    /// <summary>
    /// Opens <c>bup.bloom</c> in <paramref name="packDir"/> when a lookup over
    /// <paramref name="loadedObjectCount"/> ids may use it; null when it is absent, damaged, of another
    /// version or too small (bup then simply searches the indexes).
    /// </summary>
    public static BloomFilter? OpenUsable(string packDir, long loadedObjectCount)
    {
        var bloom = TryOpen(Path.Combine(packDir, FileName));
        if (bloom is not null && !IsUsable(bloom, loadedObjectCount))
        {
            bloom.Dispose();
            return null;
        }

        return bloom;
    }

    /// <summary>
    /// <c>bup bloom</c> (or <c>bup bloom -f</c> with <paramref name="force"/>, <c>-k</c> with
    /// <paramref name="k"/>): idx files already named in the bloom are "in"; if none are new, nothing
    /// changes. The filter is rebuilt from all idx files when forced, when it is missing or unreadable,
    /// when its entry count differs from the ids of the idx files it names, when k differs, or when
    /// adding would push the false-positive rate above 1% while it can still grow; otherwise the new
    /// idx files are added in place.
    /// </summary>
    /// <remarks><paramref name="bloomPath"/> replaces packDir/bup.bloom (bup bloom -o).</remarks>
    public static void Update(string packDir, bool force = false, int? k = null, string? bloomPath = null)
    {
        bloomPath ??= Path.Combine(packDir, FileName);
        using var existing = force ? null : TryOpen(bloomPath);
        var known = new HashSet<string>(existing?.IdxNames ?? [], StringComparer.Ordinal);
        var add = new List<string>();
        var rest = new List<string>();
        long addCount = 0, restCount = 0;
        foreach (var idxPath in MidxMaintenance.ListFiles(packDir, ".idx"))
        {
            using var idx = PackIndex.Open(idxPath);
            var isKnown = existing is not null && known.Contains(Path.GetFileName(idxPath));
            if (isKnown)
            {
                rest.Add(idxPath);
                restCount += idx.Count;
            }
            else
            {
                add.Add(idxPath);
                addCount += idx.Count;
            }
        }

        if (add.Count == 0)
        {
            return;
        }

        var incremental = existing is not null && CanAddInPlace(existing, restCount, addCount, k);
        existing?.Dispose();
        if (incremental)
        {
            BloomFilter.AddInPlace(bloomPath, add);
        }
        else
        {
            BloomFilter.WriteNew(bloomPath, addCount + restCount, [.. add, .. rest], k);
        }
    }

    private static bool CanAddInPlace(BloomFilter existing, long restCount, long addCount, int? k)
    {
        if (existing.Entries != restCount || (k is not null && k != existing.K))
        {
            return false;
        }

        var canGrow = existing.Bits < BloomFilter.Layout.MaxBits(existing.K);
        return !(canGrow && existing.FalsePositivePercent(addCount) > BloomFilter.MaxFalsePositivePercent);
    }

    private static BloomFilter? TryOpen(string path)
    {
        try
        {
            return File.Exists(path) ? BloomFilter.TryOpen(path, out _) : null;
        }
        catch (CorruptObjectException)
        {
            return null; // bup regenerates an invalid bloom; lookups just do without it
        }
    }

    /// <summary>
    /// bup bloom --ruin: clears the filter's bit table (a test aid: every lookup then says
    /// "absent", which readers must survive). False when there is no file.
    /// </summary>
    public static bool Ruin(string bloomPath)
    {
        if (!File.Exists(bloomPath))
        {
            return false;
        }

        int bits;
        using (var bloom = BloomFilter.Open(bloomPath))
        {
            bits = bloom.Bits;
        }

        using var file = new FileStream(bloomPath, FileMode.Open, FileAccess.Write);
        file.Position = BloomFilter.Layout.TableOffset;
        var zeros = new byte[1 << 16];
        for (var left = 1L << bits; left > 0; left -= zeros.Length)
        {
            file.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
        }

        file.Flush(flushToDisk: true);
        return true;
    }
}
