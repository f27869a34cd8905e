// The saves of one branch tip (docs/formats/vfs-layout.md, "Inside a branch"; vfs.py cache_commit / revlist_items).
using BupFs.Caching;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// The commits reachable from a branch tip by first parents, newest first, with their names. A
/// name that occurs more than once (0.33.7 suffixes only consecutive runs) means the oldest such
/// save, as in bup's name map.
/// </summary>
/// <remarks>Immutable. Built incrementally: when the new tip descends from the previous one, only the new commits are read.</remarks>
internal sealed class SaveList
{
    private readonly byte[][] _sortedNames;
    private readonly int[] _sortedSaves;

    private SaveList(ObjectId tip, SaveListEntry[] saves)
    {
        Tip = tip;
        Saves = saves;
        var byName = new SortedDictionary<byte[], int>(ByteArrayComparer.Instance);
        for (var i = 0; i < saves.Length; i++)
        {
            byName[saves[i].Name] = i; // later = older wins, as in bup's dict
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

    /// <summary>The name <c>latest</c> points to: the tip's.</summary>
    public byte[] TipName => Saves[0].Name;

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
    /// tip and reuses its commits. A commit that cannot be read ends the history there (reported).
    /// </summary>
    public static SaveList Build(ObjectCache cache, ObjectId tip, SaveList? previous, TimeZoneInfo zone, Action<string> warn)
    {
        var commits = new List<(ObjectId Id, long Time)>();
        var seen = new HashSet<ObjectId>();
        var id = tip;
        while (!id.IsZero)
        {
            if (!seen.Add(id))
            {
                // Only an object whose content does not match its id can close a loop.
                warn($"history of {tip} loops back to commit {id}; stopping there");
                break;
            }

            if (previous is not null && id == previous.Tip)
            {
                commits.AddRange(previous.Saves.Select(static s => (s.Commit, s.AuthorTime)));
                break;
            }

            if (!TryRead(cache, id, tip, warn, out var commit))
            {
                break;
            }

            commits.Add((id, commit.Author.Seconds));
            id = commit.Parents.Count > 0 ? commit.Parents[0] : ObjectId.Zero;
        }

        var names = SaveNames.Assign(commits.ConvertAll(static c => c.Time), zone);
        var saves = new SaveListEntry[commits.Count];
        for (var i = 0; i < saves.Length; i++)
        {
            saves[i] = new SaveListEntry(commits[i].Id, commits[i].Time, names[i]);
        }

        return new SaveList(tip, saves);
    }

    private static bool TryRead(ObjectCache cache, ObjectId id, ObjectId tip, Action<string> warn, out Commit commit)
    {
        try
        {
            commit = cache.GetCommit(id);
            return true;
        }
        catch (Exception e) when (id != tip && FsErrors.IsRepositoryFailure(e))
        {
            warn($"history of {tip} ends early at commit {id}: {e.Message}");
            commit = null!;
            return false;
        }
    }
}
