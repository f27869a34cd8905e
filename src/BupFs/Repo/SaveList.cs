// The saves of one branch tip (docs/formats/vfs-layout.md, "Inside a branch"; vfs.py cache_commit / revlist_items).
using BupFs.Caching;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// The commits reachable from a branch tip by first parents, newest first, with their names. A
/// name that occurs more than once (0.33.7 suffixes only consecutive runs) means the oldest such
/// save, as in bup's name map, except the tip's name, which means the tip.
/// </summary>
/// <remarks>
/// Immutable. Built incrementally: when the new tip descends from the previous one, only the new
/// commits are read. Damage is recorded, never papered over (docs/DESIGN.md): an older commit that
/// cannot be read ends the list there (<see cref="HiddenBeyond"/>); a tip that cannot be read makes
/// <see cref="TipName"/> fail, and the list holds the saves of the branch's previous value in its
/// reflog, if any is readable, so they can still be found by name.
/// </remarks>
internal sealed class SaveList
{
    private readonly byte[][] _sortedNames;
    private readonly int[] _sortedSaves;
    private readonly History _history;

    private SaveList(ObjectId tip, SaveListEntry[] saves, History history)
    {
        Tip = tip;
        Saves = saves;
        _history = history;
        var byName = new SortedDictionary<byte[], int>(ByteArrayComparer.Instance);
        for (var i = saves.Length - 1; i >= 0; i--)
        {
            // The oldest save of a name wins, as in bup's dict, except that the tip keeps its own
            // name: bup 0.33 lets `latest` lead to an older save when a name recurs after a run
            // (clock set back), and `latest` must be the tip.
            byName.TryAdd(saves[i].Name, i);
        }

        if (saves.Length > 0 && history.TipProblem is null)
        {
            byName[saves[0].Name] = 0;
        }

        _sortedNames = [.. byName.Keys];
        _sortedSaves = [.. byName.Values];
    }

    /// <summary>The branch tip this list belongs to.</summary>
    public ObjectId Tip { get; }

    /// <summary>Every save found, in rev-list order (newest first).</summary>
    public IReadOnlyList<SaveListEntry> Saves { get; }

    /// <summary>The distinct names, sorted byte-wise, each with the save it stands for.</summary>
    public IEnumerable<SaveListEntry> Named => _sortedSaves.Select(i => Saves[i]);

    /// <summary>The name <c>latest</c> points to: the tip's (<see cref="Find"/> of it gives the tip).</summary>
    /// <exception cref="FsException">Io naming the branch and the tip commit when the tip cannot be read.</exception>
    public byte[] TipName => _history.TipProblem is { } problem ? throw new FsException(FsError.Io, problem) : Saves[0].Name;

    /// <summary>The first commit of the history that could not be read, if any: older saves may exist but cannot be listed.</summary>
    public ObjectId? HiddenBeyond => _history.HiddenBeyond;

    /// <summary>
    /// What a listing of the saves must say, if anything: that the tip cannot be read and whose saves
    /// are shown instead. Said by each listing rather than once, since only a listing shows them.
    /// </summary>
    public string? ListingWarning => _history.ListingWarning;

    /// <summary>How many saves no name leads to (a name recurring apart from its run, as bup 0.33.7 names them).</summary>
    public int Unnamed => Saves.Count - _sortedNames.Length;

    /// <summary>Estimated bytes retained, for the cache bound.</summary>
    public long EstimatedSize => 64 + (Saves.Count * 120L);

    /// <summary>The save named <paramref name="name"/>, or null.</summary>
    public SaveListEntry? Find(ReadOnlySpan<byte> name)
    {
        int low = 0, high = _sortedNames.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = _sortedNames[middle].AsSpan().SequenceCompareTo(name);
            if (order == 0)
            {
                return Saves[_sortedSaves[middle]];
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return null;
    }

    /// <summary>
    /// Follows first parents from <paramref name="tip"/>; stops early at <paramref name="previous"/>'s
    /// tip and reuses its commits. <paramref name="branch"/> names the branch in messages;
    /// <paramref name="logged"/> gives the values the branch held before (its reflog, newest first).
    /// </summary>
    /// <exception cref="FsException">Io when the tip commit cannot be read and no earlier value of the branch can.</exception>
    public static SaveList Build(ObjectCache cache, ObjectId tip, SaveList? previous, TimeZoneInfo zone, string branch, Func<IReadOnlyList<ObjectId>> logged, Action<string> warn)
    {
        if (TryRead(cache, tip, out _, out var reason))
        {
            return Create(tip, Walk(cache, tip, previous, branch, warn, out var history), history, zone, branch, warn);
        }

        var problem = $"branch {branch}: tip commit {tip} cannot be read: {reason}";
        foreach (var earlier in logged())
        {
            if (earlier != tip && TryRead(cache, earlier, out _, out _))
            {
                // Shown so the saves before the damage stay reachable by name; latest still fails.
                var commits = Walk(cache, earlier, null, branch, warn, out var history);
                var shown = $"{problem}; latest fails, and the saves shown are those of {earlier}, an earlier value of the branch in its reflog (newer saves may be missing)";
                return Create(tip, commits, history with { TipProblem = problem, ListingWarning = shown }, zone, branch, warn);
            }
        }

        throw new FsException(FsError.Io, problem);
    }

    private static List<(ObjectId Id, long Time)> Walk(ObjectCache cache, ObjectId start, SaveList? previous, string branch, Action<string> warn, out History history)
    {
        var commits = new List<(ObjectId Id, long Time)>();
        var seen = new HashSet<ObjectId>();
        history = new History(null, null, "");
        var id = start;
        while (!id.IsZero)
        {
            if (!seen.Add(id))
            {
                // Only an object whose content does not match its id can close a loop.
                warn($"branch {branch}: history of {start} loops back to commit {id}; stopping there");
                break;
            }

            if (previous is not null && id == previous.Tip && previous._history.TipProblem is null)
            {
                commits.AddRange(previous.Saves.Select(static s => (s.Commit, s.AuthorTime)));
                history = previous._history;
                break;
            }

            if (!TryRead(cache, id, out var commit, out var reason))
            {
                history = new History(null, id, reason);
                break;
            }

            commits.Add((id, commit.Author.Seconds));
            id = commit.Parents.Count > 0 ? commit.Parents[0] : ObjectId.Zero;
        }

        return commits;
    }

    private static SaveList Create(ObjectId tip, List<(ObjectId Id, long Time)> commits, History history, TimeZoneInfo zone, string branch, Action<string> warn)
    {
        var names = SaveNames.Assign(commits.ConvertAll(static c => c.Time), zone);
        var saves = new SaveListEntry[commits.Count];
        for (var i = 0; i < saves.Length; i++)
        {
            saves[i] = new SaveListEntry(commits[i].Id, commits[i].Time, names[i]);
        }

        var list = new SaveList(tip, saves, history);
        if (history.HiddenBeyond is { } stop)
        {
            // Said on every build, also when reusing the previous list, so a later reader hears it too.
            warn($"branch {branch}: commit {stop} cannot be read ({history.HiddenReason}); saves older than it may be hidden");
        }

        if (list.Unnamed > 0)
        {
            warn($"branch {branch}: {list.Unnamed} save(s) share a name with a save apart from their run; only one of each name is shown");
        }

        return list;
    }

    private static bool TryRead(ObjectCache cache, ObjectId id, out Commit commit, out string reason)
    {
        reason = "";
        try
        {
            commit = cache.GetCommit(id);
            return true;
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            reason = FsErrors.FromException(e).Message;
            commit = null!;
            return false;
        }
    }

    /// <summary>What went wrong while following the history: the tip, or a commit further back (and why).</summary>
    private sealed record History(string? TipProblem, ObjectId? HiddenBeyond, string HiddenReason)
    {
        public string? ListingWarning { get; init; }
    }
}
