using BupStore.Formats;

namespace BupStore.Repository;

/// <summary>
/// Builds a <see cref="PackSet"/> from objects/pack following bup's rules (bup-format.md §5.6, §6.3,
/// §14.15/20): a midx is used only when every idx it names exists; idx files not covered by a
/// used midx are searched directly; the bloom is trusted for "absent" only when it has at least as
/// many entries as the loaded indexes hold objects. Damaged midx or bloom files are skipped (they
/// only accelerate); a damaged idx is an error, because its objects would be unreachable.
/// </summary>
internal static class PackSetLoader
{
    private const string BloomName = "bup.bloom";

    /// <summary>Loads the view, reusing already-open packs from <paramref name="reuse"/> by name.</summary>
    public static PackSet Load(string packDir, Dictionary<string, PackEntry> reuse)
    {
        var signature = Signature(packDir);
        var byName = new Dictionary<string, PackEntry>(StringComparer.Ordinal);
        foreach (var idxPath in List(packDir, "*.idx"))
        {
            var name = Path.GetFileName(idxPath);
            if (!File.Exists(Path.ChangeExtension(idxPath, ".pack")))
            {
                continue;
            }

            byName[name] = reuse.TryGetValue(name, out var existing) ? existing : new PackEntry(PackIndex.Open(idxPath));
        }

        var midx = LoadMidx(packDir, byName);
        var covered = new HashSet<string>(midx.SelectMany(m => m.IdxNames), StringComparer.Ordinal);
        var uncovered = byName.Values.Where(p => !covered.Contains(p.IdxName)).ToArray();
        return new PackSet(byName, midx, uncovered, LoadBloom(packDir, byName), signature);
    }

    private static MultiPackIndex[] LoadMidx(string packDir, Dictionary<string, PackEntry> byName)
    {
        var usable = new List<MultiPackIndex>();
        foreach (var path in List(packDir, "*.midx"))
        {
            var m = TryOpen(() => MultiPackIndex.TryOpen(path, out _));
            if (m is null)
            {
                continue;
            }

            if (m.IdxNames.All(byName.ContainsKey))
            {
                usable.Add(m);
            }
            else
            {
                m.Dispose();
            }
        }

        // Bigger midx first: fewer searches for a typical object, as bup orders them.
        return [.. usable.OrderByDescending(m => m.Count)];
    }

    private static BloomFilter? LoadBloom(string packDir, Dictionary<string, PackEntry> byName)
    {
        var path = Path.Combine(packDir, BloomName);
        if (!File.Exists(path))
        {
            return null;
        }

        var bloom = TryOpen(() => BloomFilter.Open(path));
        long total = byName.Values.Sum(p => (long)p.Index.Count);
        if (bloom is not null && bloom.Entries >= total && bloom.IdxNames.All(byName.ContainsKey))
        {
            return bloom;
        }

        bloom?.Dispose();
        return null;
    }

    private static T? TryOpen<T>(Func<T?> open)
        where T : class
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is CorruptObjectException or IOException)
        {
            return null;
        }
    }

    /// <summary>True when the files of objects/pack differ from those <paramref name="current"/> was built from.</summary>
    public static bool HasChanged(string packDir, PackSet current) => Signature(packDir) != current.Signature;

    /// <summary>Names, sizes and times of every file the view depends on: cheap to compare.</summary>
    public static string Signature(string packDir)
    {
        if (!Directory.Exists(packDir))
        {
            return string.Empty;
        }

        var sb = new System.Text.StringBuilder();
        foreach (var f in new DirectoryInfo(packDir).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (f.Name.EndsWith(".idx", StringComparison.Ordinal) || f.Name.EndsWith(".midx", StringComparison.Ordinal)
                || f.Name.EndsWith(".pack", StringComparison.Ordinal) || f.Name == BloomName)
            {
                sb.Append(f.Name).Append(' ').Append(f.Length).Append(' ').Append(f.LastWriteTimeUtc.Ticks).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>Parts of <paramref name="old"/> that <paramref name="next"/> does not reuse.</summary>
    public static IEnumerable<IDisposable> Unused(PackSet old, PackSet next)
    {
        foreach (var (name, entry) in old.ByName)
        {
            if (!next.ByName.TryGetValue(name, out var kept) || !ReferenceEquals(kept, entry))
            {
                yield return entry;
            }
        }

        foreach (var m in old.Midx)
        {
            yield return m;
        }

        if (old.Bloom is not null)
        {
            yield return old.Bloom;
        }
    }

    private static IEnumerable<string> List(string dir, string pattern) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal) : [];
}
