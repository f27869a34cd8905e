using BupStore.Formats;

namespace BupStore.Repository.Fsck;

/// <summary>
/// midx and bloom files against the idx files they claim to cover (midx-bloom.md): the header and
/// sizes valid, every id of every covered idx in the midx and the midx counting exactly their
/// objects, and no covered id a bloom false negative (a writer would store it again, a reader
/// trusting the bloom would call it absent). A midx or bloom naming an idx that no longer exists is
/// stale, not damaged: bup deletes or rebuilds it, and readers ignore it.
/// </summary>
internal sealed class AcceleratorCheck
{
    private readonly string _packDir;
    private readonly FsckReport _report;

    public AcceleratorCheck(string packDir, FsckReport report)
    {
        _packDir = packDir;
        _report = report;
    }

    public void Run()
    {
        if (!Directory.Exists(_packDir))
        {
            return;
        }

        foreach (var midx in Directory.EnumerateFiles(_packDir, "*.midx").Order(StringComparer.Ordinal))
        {
            Guard(FsckProblemKind.BadMidx, midx, () => CheckMidx(midx));
        }

        var bloom = Path.Combine(_packDir, "bup.bloom");
        if (File.Exists(bloom))
        {
            Guard(FsckProblemKind.BadBloom, bloom, () => CheckBloom(bloom));
        }
    }

    private void Guard(FsckProblemKind kind, string path, Func<string?> check)
    {
        try
        {
            if (check() is { } problem)
            {
                _report.Add(kind, $"{path}: {problem}", pack: path);
            }
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            _report.Add(kind, $"{path}: {e.Message}", pack: path);
        }
    }

    private string? CheckMidx(string path)
    {
        using var midx = MultiPackIndex.TryOpen(path, out _);
        if (midx is null || midx.FindMissingIdx().Count > 0)
        {
            return null; // another version, or stale: bup ignores it
        }

        long expected = 0;
        foreach (var name in midx.IdxNames)
        {
            using var idx = PackIndex.Open(Path.Combine(_packDir, name));
            expected += idx.Count;
            var lacking = FirstMissing(idx.Count, i => midx.Contains(idx.GetId(i)));
            if (lacking >= 0)
            {
                return $"lacks object {idx.GetId(lacking)} of {name}";
            }
        }

        return expected == midx.Count ? null : $"lists {midx.Count} objects, its idx files hold {expected}";
    }

    private string? CheckBloom(string path)
    {
        using var bloom = BloomFilter.TryOpen(path, out _);
        if (bloom is null)
        {
            return null; // another version: bup ignores it
        }

        foreach (var name in bloom.IdxNames)
        {
            var idxPath = Path.Combine(_packDir, name);
            if (!File.Exists(idxPath))
            {
                continue;
            }

            using var idx = PackIndex.Open(idxPath);
            var lacking = FirstMissing(idx.Count, i => bloom.MayContain(idx.GetId(i)));
            if (lacking >= 0)
            {
                return $"says object {idx.GetId(lacking)} of {name} is absent (false negative)";
            }
        }

        return null;
    }

    // The lowest index failing the test, or -1; both cores share the probes.
    private static int FirstMissing(int count, Func<int, bool> present)
    {
        var first = int.MaxValue;
        Parallel.For(0, count, i =>
        {
            if (!present(i))
            {
                InterlockedMin(ref first, i);
            }
        });
        return first == int.MaxValue ? -1 : first;
    }

    private static void InterlockedMin(ref int target, int value)
    {
        int current;
        while (value < (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
