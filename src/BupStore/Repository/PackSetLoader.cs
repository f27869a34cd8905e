using BupStore.Formats;

namespace BupStore.Repository;

/// <summary>
/// Builds a <see cref="PackSet"/> from objects/pack following bup's rules (docs/formats/midx-bloom.md,
/// "The lookup chain" and "midx v4"). Which midx files are used, and so which idx they cover, is decided in one place,
/// <see cref="MidxMaintenance.SelectIndexes"/>; idx files not covered by a midx that opened here are
/// searched directly; the bloom is trusted for "absent" only when it has at least as many entries
/// as the loaded indexes hold objects. Damaged midx or bloom files are skipped (they only
/// accelerate); a damaged idx is an error, because its objects would be unreachable.
/// </summary>
internal static class PackSetLoader
{
    private const string BloomName = "bup.bloom";

    /// <summary>
    /// Loads the view, reusing already-open packs from <paramref name="reuse"/> by name.
    /// <paramref name="warn"/> receives the view's warnings (a midx found damaged during a lookup);
    /// null writes them to standard error, as bup does.
    /// </summary>
    public static PackSet Load(string packDir, Dictionary<string, PackEntry> reuse, Action<string>? warn = null)
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

        var midx = LoadMidx(packDir);
        var covered = new HashSet<string>(midx.SelectMany(m => m.IdxNames), StringComparer.Ordinal);
        var uncovered = byName.Values.Where(p => !covered.Contains(p.IdxName)).ToArray();
        return new PackSet(byName, midx, uncovered, LoadBloom(packDir, byName), signature, warn ?? WriteWarning);
    }

    /// <summary>
    /// Opens the midx files <see cref="MidxMaintenance.SelectIndexes"/> chose, in its order (biggest
    /// first). One that cannot be opened now (removed or damaged since) is left out, so the idx it
    /// would have covered count as uncovered and are searched directly.
    /// </summary>
    private static MultiPackIndex[] LoadMidx(string packDir)
    {
        if (!Directory.Exists(packDir))
        {
            return [];
        }

        var opened = new List<MultiPackIndex>();
        foreach (var path in MidxMaintenance.SelectIndexes(packDir).MidxPaths)
        {
            if (TryOpen(() => MultiPackIndex.TryOpen(path, out _)) is { } m)
            {
                opened.Add(m);
            }
        }

        return [.. opened];
    }

    private static void WriteWarning(string message) => Console.Error.WriteLine("warning: " + message);

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
        catch (Exception e) when (e is CorruptObjectException or IOException or UnauthorizedAccessException)
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
