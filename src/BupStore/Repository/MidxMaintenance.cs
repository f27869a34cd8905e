using BupStore.Formats;

namespace BupStore.Repository;

/// <summary>
/// bup's midx policies over an <c>objects/pack</c> directory (docs/formats/midx-bloom.md, "The lookup chain" and "Policies"; bup
/// <c>cmd/midx.py</c> <c>do_midx_dir</c> and <c>git.PackIdxList.refresh</c>): which midx and idx files a
/// lookup should load, <c>bup midx --auto</c>, <c>bup midx -f</c>, and the removal of stale midx files.
/// </summary>
/// <remarks>
/// A midx is <i>usable</i> when it is version 4, parses, and every idx it names exists next to it.
/// Among usable midx files, biggest first (newest first on ties), one is <i>redundant</i> when every
/// idx it names is already covered by a midx chosen before it. Not thread-safe against concurrent
/// maintenance of the same directory (bup does not lock either); lookups running meanwhile are safe
/// because files are only replaced by rename or deleted.
/// </remarks>
public static class MidxMaintenance
{
    /// <summary>bup's <c>--auto</c> target: at most this many midx+idx files stay after a run.</summary>
    public const int AutoHighWaterMark = 5;

    /// <summary>
    /// bup splits merges into groups of its open-file limit minus 20 (usually 1024 - 20); we do not
    /// keep descriptors per input beyond the mapping, so the usual value is used as a constant.
    /// </summary>
    internal const int MaxFilesPerMerge = 1004;

    /// <summary>
    /// The indexes an object lookup should load, as bup's <c>PackIdxList</c> selects them: usable,
    /// non-redundant midx files (biggest and newest first) and every <c>*.idx</c> not covered by them
    /// (directory order). Nothing is deleted; midx files that are damaged, of another version, name a
    /// missing idx or are redundant are simply not returned.
    /// </summary>
    public static (IReadOnlyList<string> MidxPaths, IReadOnlyList<string> IdxPaths) SelectIndexes(string packDir)
    {
        var scan = Scan(packDir);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var kept = ChooseNonRedundant(scan.Usable, covered, redundant: null);
        var idx = ListFiles(packDir, ".idx").Where(p => !covered.Contains(p)).ToList();
        return (kept, idx);
    }

    /// <summary>
    /// Deletes the midx files bup's <c>PackIdxList.refresh</c> deletes: those naming a missing idx and
    /// those made redundant by bigger or newer ones. Damaged or other-version midx files are left
    /// alone, as bup leaves them. Call after deleting packs (docs/formats/midx-bloom.md, "Writing, byte-identical to bup", Safety).
    /// </summary>
    public static void RemoveStale(string packDir)
    {
        var scan = Scan(packDir);
        DeleteAll(scan.Broken);
        var redundant = new List<string>();
        ChooseNonRedundant(scan.Usable, new HashSet<string>(StringComparer.Ordinal), redundant);
        DeleteAll(redundant);
    }

    /// <summary>
    /// <c>bup midx --auto</c>: drop stale midx files (see <see cref="RemoveStale"/>), then while more than
    /// <see cref="AutoHighWaterMark"/> midx+idx files remain, merge all but the largest into a new midx.
    /// </summary>
    public static void Auto(string packDir) => Run(packDir, auto: true, force: false);

    /// <summary>
    /// <c>bup midx -f</c>: merge every <c>*.idx</c> (ignoring existing midx files, which it leaves in
    /// place; bup drops them later as redundant) into one midx.
    /// </summary>
    public static void Force(string packDir) => Run(packDir, auto: false, force: true);

    private static void Run(string packDir, bool auto, bool force)
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var midxs = new List<string>();
        if (auto || !force)
        {
            var scan = Scan(packDir);
            DeleteAll(scan.Broken);
            var redundant = new List<string>();
            midxs = ChooseNonRedundant(scan.Usable, covered, redundant);
            DeleteAll(redundant);
            foreach (var midx in scan.Usable)
            {
                sizes[midx.Path] = midx.Count;
            }
        }

        var all = midxs.Select(m => (Size: sizes[m], Path: m)).ToList();
        foreach (var idxPath in ListFiles(packDir, ".idx").Where(p => !covered.Contains(p)))
        {
            using var idx = PackIndex.Open(idxPath);
            all.Add((idx.Count, idxPath));
        }

        MergeDown(packDir, all, auto, force);
    }

    /// <summary>bup's loop: sort by (size, path), merge the smallest ones, repeat while above the limit.</summary>
    private static void MergeDown(string packDir, List<(long Size, string Path)> all, bool auto, bool force)
    {
        var highWater = force ? 1 : AutoHighWaterMark;
        var lowWater = force ? 1 : 2;
        while (all.Count > highWater)
        {
            all.Sort(static (a, b) => a.Size != b.Size ? a.Size.CompareTo(b.Size) : string.CompareOrdinal(a.Path, b.Path));
            var split = all.Count - lowWater + 1;
            var part1 = all.Take(split).Select(e => e.Path).ToList();
            var part2 = all.Skip(split).ToList();
            all = [.. MergeGroups(packDir, part1, auto, force), .. part2];
        }
    }

    private static List<(long Size, string Path)> MergeGroups(string packDir, List<string> inputs, bool auto, bool force)
    {
        var written = new List<(long Size, string Path)>();
        for (var start = 0; start < inputs.Count; start += MaxFilesPerMerge)
        {
            var group = inputs.GetRange(start, Math.Min(MaxFilesPerMerge, inputs.Count - start));
            if (MultiPackIndex.WriteCore(packDir, group, auto, force) is { } result)
            {
                written.Add(result);
            }
        }

        return written;
    }

    /// <summary>A usable midx: path, id count, mtime and the full paths of the idx files it covers.</summary>
    private sealed record MidxInfo(string Path, long Count, DateTime ModifiedUtc, IReadOnlyList<string> IdxPaths);

    private sealed record ScanResult(List<MidxInfo> Usable, List<string> Broken);

    /// <summary>Opens every <c>*.midx</c>; sorts them into usable and broken (missing idx).</summary>
    private static ScanResult Scan(string packDir)
    {
        var usable = new List<MidxInfo>();
        var broken = new List<string>();
        foreach (var path in ListFiles(packDir, ".midx"))
        {
            using var midx = TryOpenMidx(path);
            if (midx is null)
            {
                continue;
            }

            if (midx.FindMissingIdx().Count > 0)
            {
                broken.Add(path);
                continue;
            }

            var idxPaths = midx.IdxNames.Select(n => Path.Combine(packDir, n)).ToList();
            usable.Add(new MidxInfo(path, midx.Count, File.GetLastWriteTimeUtc(path), idxPaths));
        }

        return new ScanResult(usable, broken);
    }

    /// <summary>A midx bup would not load (damaged, other version) is skipped, not an error: it is only an accelerator.</summary>
    private static MultiPackIndex? TryOpenMidx(string path)
    {
        try
        {
            return MultiPackIndex.TryOpen(path, out _);
        }
        catch (CorruptObjectException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // removed by a concurrent bup run between listing and opening, or unreadable
        }
    }

    /// <summary>
    /// Biggest (then newest) first, keeps each midx that covers an idx not yet covered; adds the covered
    /// idx paths to <paramref name="covered"/> and the others to <paramref name="redundant"/>.
    /// </summary>
    private static List<string> ChooseNonRedundant(List<MidxInfo> usable, HashSet<string> covered, List<string>? redundant)
    {
        var kept = new List<string>();
        foreach (var midx in usable.OrderByDescending(m => m.Count).ThenByDescending(m => m.ModifiedUtc))
        {
            var any = false;
            foreach (var idxPath in midx.IdxPaths)
            {
                any |= covered.Add(idxPath);
            }

            if (any)
            {
                kept.Add(midx.Path);
            }
            else
            {
                redundant?.Add(midx.Path);
            }
        }

        return kept;
    }

    /// <summary>
    /// The files of <paramref name="packDir"/> ending in <paramref name="suffix"/>, in directory order,
    /// skipping dot files as Python's glob does; paths are <c>Path.Combine(packDir, name)</c>.
    /// </summary>
    internal static IEnumerable<string> ListFiles(string packDir, string suffix)
    {
        var options = new EnumerationOptions { MatchType = MatchType.Simple, AttributesToSkip = 0, RecurseSubdirectories = false };
        foreach (var path in Directory.EnumerateFiles(packDir, "*" + suffix, options))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(suffix, StringComparison.Ordinal) && !name.StartsWith('.'))
            {
                yield return path;
            }
        }
    }

    private static void DeleteAll(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            File.Delete(path); // no error when already gone, like bup's unlink
        }
    }
}
