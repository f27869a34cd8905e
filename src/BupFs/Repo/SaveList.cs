// The saves of one branch tip (spec bup-format.md §11.2; vfs.py cache_commit / revlist_items).
using BupFs.Caching;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// The commits reachable from a branch tip by first parents, newest first, with their names. A
/// name that occurs more than once (0.33.7 suffixes only consecutive runs) means the oldest such
/// save, as in bup's name map.
/// </summary>
/// <remarks>
/// Immutable. Built incrementally: when the new tip descends from the previous one, only the new
/// commits are read. A tip that cannot be read fails the build (no older save may stand in for it,
/// docs/DESIGN.md); an older commit that cannot be read ends the list there and is remembered in
/// <see cref="HiddenBeyond"/>, since the saves behind it cannot be found.
/// </remarks>
internal sealed class SaveList
{
    private readonly byte[][] _sortedNames;
    private readonly int[] _sortedSaves;

    private readonly string _hiddenReason;

    private SaveList(ObjectId tip, SaveListEntry[] saves, ObjectId? hiddenBeyond, string hiddenReason)
    {
        Tip = tip;
        Saves = saves;
        HiddenBeyond = hiddenBeyond;
        _hiddenReason = hiddenReason;
        var byName = new SortedDictionary<byte[], int>(ByteArrayComparer.Instance);
        for (var i = saves.Length - 1; i >= 0; i--)
        {
            // The oldest save of a name wins, as in bup's dict, except that the tip keeps its own
            // name: bup 0.33 lets `latest` lead to an older save when a name recurs after a run
            // (clock set back), and `latest` must be the tip.
            byName.TryAdd(saves[i].Name, i);
        }

        if (saves.Length > 0)
        {
            byName[saves[0].Name] = 0;
        }

        _sortedNames = [.. byName.Keys];
        _sortedSaves = [.. byName.Values];
    }

    /// <summary>The branch tip this list starts at.</summary>
    public ObjectId Tip { get; }

    /// <summary>Every save in rev-list order (newest first).</summary>
    public IReadOnlyList<SaveListEntry> Saves { get; }

    /// <summary>The distinct names, sorted byte-wise, each with the save it stands for.</summary>
    public IEnumerable<SaveListEntry> Named => _sortedSaves.Select(i => Saves[i]);

    /// <summary>The name <c>latest</c> points to: the tip's (<see cref="Find"/> of it gives the tip).</summary>
    public byte[] TipName => Saves[0].Name;

    /// <summary>The first commit of the history that could not be read, if any: older saves may exist but cannot be listed.</summary>
    public ObjectId? HiddenBeyond { get; }

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
    /// tip and reuses its commits. <paramref name="branch"/> names the branch in messages.
    /// </summary>
    /// <exception cref="FsException">Io when the tip commit cannot be read.</exception>
    public static SaveList Build(ObjectCache cache, ObjectId tip, SaveList? previous, TimeZoneInfo zone, string branch, Action<string> warn)
    {
        var commits = new List<(ObjectId Id, long Time)>();
        var seen = new HashSet<ObjectId>();
        ObjectId? hiddenBeyond = null;
        var reason = "";
        var id = tip;
        while (!id.IsZero)
        {
            if (!seen.Add(id))
            {
                // Only an object whose content does not match its id can close a loop.
                warn($"branch {branch}: history of {tip} loops back to commit {id}; stopping there");
                break;
            }

            if (previous is not null && id == previous.Tip)
            {
                commits.AddRange(previous.Saves.Select(static s => (s.Commit, s.AuthorTime)));
                (hiddenBeyond, reason) = (previous.HiddenBeyond, previous._hiddenReason);
                break;
            }

            if (!TryRead(cache, id, tip, branch, out var commit, out reason))
            {
                hiddenBeyond = id;
                break;
            }

            commits.Add((id, commit.Author.Seconds));
            id = commit.Parents.Count > 0 ? commit.Parents[0] : ObjectId.Zero;
        }

        return Create(tip, commits, (hiddenBeyond, reason), zone, branch, warn);
    }

    private static SaveList Create(ObjectId tip, List<(ObjectId Id, long Time)> commits, (ObjectId? Id, string Reason) hidden, TimeZoneInfo zone, string branch, Action<string> warn)
    {
        var names = SaveNames.Assign(commits.ConvertAll(static c => c.Time), zone);
        var saves = new SaveListEntry[commits.Count];
        for (var i = 0; i < saves.Length; i++)
        {
            saves[i] = new SaveListEntry(commits[i].Id, commits[i].Time, names[i]);
        }

        var list = new SaveList(tip, saves, hidden.Id, hidden.Reason);
        if (hidden.Id is { } stop)
        {
            // Said on every build, also when reusing the previous list, so a later reader hears it too.
            warn($"branch {branch}: commit {stop} cannot be read ({hidden.Reason}); saves older than it may be hidden");
        }

        if (list.Unnamed > 0)
        {
            warn($"branch {branch}: {list.Unnamed} save(s) share a name with a save apart from their run; only one of each name is shown");
        }

        return list;
    }

    private static bool TryRead(ObjectCache cache, ObjectId id, ObjectId tip, string branch, out Commit commit, out string reason)
    {
        reason = "";
        try
        {
            commit = cache.GetCommit(id);
            return true;
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            if (id == tip)
            {
                throw new FsException(FsError.Io, $"branch {branch}: tip commit {tip} cannot be read: {FsErrors.FromException(e).Message}", e);
            }

            reason = FsErrors.FromException(e).Message;
            commit = null!;
            return false;
        }
    }
}
