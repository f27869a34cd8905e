// Applying staged changes onto a branch that moved (docs/formats/staging.md, "Commit"): a
// three-way merge of save trees, path by path. With B the save staging began from, S the staged
// tree written as a save, and H the branch's head now, every path takes the side that changed;
// a path both sides changed differently is a conflict (or takes S with "ours"). Entries compare
// by git mode, object and metadata record, so a chmod on one side and an edit on the other of
// one file is a conflict too. Subtrees equal on two sides are decided without being read.
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Saves;

namespace BupFs.Staging;

/// <summary>A three-way merge of bup save trees.</summary>
internal sealed class TreeMerge
{
    private readonly BaseSave _base;
    private readonly ConcurrentObjectWriter _writer;
    private readonly bool _ours;
    private readonly List<string> _conflicts = [];

    public TreeMerge(BaseSave baseSave, ConcurrentObjectWriter writer, bool ours)
    {
        _base = baseSave;
        _writer = writer;
        _ours = ours;
    }

    /// <summary>Paths both sides changed differently (when not taking ours).</summary>
    public IReadOnlyList<string> Conflicts => _conflicts;

    /// <summary>The merged tree of <paramref name="baseTree"/>, <paramref name="staged"/> and <paramref name="head"/>; null when the roots conflict.</summary>
    public ObjectId? Merge(ObjectId? baseTree, ObjectId staged, ObjectId head) => MergeTrees(baseTree, staged, head, "/");

    private ObjectId? MergeTrees(ObjectId? b, ObjectId s, ObjectId h, string path)
    {
        if (s == h || s == b)
        {
            return s == b ? h : s;
        }

        if (h == b)
        {
            return s;
        }

        var problems = new List<string>();
        var sides = (Base: b is { } bt ? _base.LoadListing(bt, problems) : null, Staged: _base.LoadListing(s, problems), Head: _base.LoadListing(h, problems));
        if (problems.Count > 0)
        {
            return Conflict(path + " (a side cannot be merged faithfully: " + problems[0] + ")", s);
        }

        var metadata = Pick(sides.Base?.DirectoryMetadata, sides.Staged.DirectoryMetadata, sides.Head.DirectoryMetadata, path, out var metadataConflict);
        if (metadataConflict)
        {
            return Conflict(path, s);
        }

        var entries = new List<SaveTreeEntry>();
        foreach (var name in Names(sides.Base, sides.Staged, sides.Head))
        {
            if (MergeEntry(sides.Base?.Find(name), sides.Staged.Find(name), sides.Head.Find(name), path + NameText.Display(name)) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return SaveTreeWriter.Write(_writer, metadata, entries);
    }

    private SaveTreeEntry? MergeEntry(ListingEntry? b, ListingEntry? s, ListingEntry? h, string path)
    {
        if (Same(s, b))
        {
            return ToEntry(h);
        }

        if (Same(h, b) || Same(s, h))
        {
            return ToEntry(s);
        }

        if (s is { Kind: NodeKind.Directory } && h is { Kind: NodeKind.Directory } && b is null or { Kind: NodeKind.Directory })
        {
            var merged = MergeTrees(b?.Entry.Id, s.Entry.Id, h.Entry.Id, path + "/");
            return merged is { } id ? new SaveTreeEntry(s.Name, true, GitFileMode.Tree, id, null) : null;
        }

        _conflicts.Add(path);
        return _ours ? ToEntry(s) : null;
    }

    private BupMetadata? Pick(BupMetadata? b, BupMetadata? s, BupMetadata? h, string path, out bool conflict)
    {
        conflict = false;
        if (SameRecord(s, b))
        {
            return h;
        }

        if (SameRecord(h, b) || SameRecord(s, h))
        {
            return s;
        }

        // Both sides added or removed entries: the directory's times moved on both, which is no
        // conflict. Take the later times; anything else changed on both sides is one.
        if (s is not null && h is not null && SameRecord(WithoutTimes(s), WithoutTimes(h)))
        {
            return s.Mtime.CompareTo(h.Mtime) >= 0 ? s : h;
        }

        conflict = !_ours;
        if (_ours)
        {
            _conflicts.Add(path);
        }

        return s;
    }

    private static BupMetadata WithoutTimes(BupMetadata record)
    {
        var copy = record.Clone();
        copy.Atime = copy.Mtime = copy.Ctime = default;
        return copy;
    }

    private ObjectId? Conflict(string path, ObjectId staged)
    {
        _conflicts.Add(path);
        return _ours ? staged : null;
    }

    private static SaveTreeEntry? ToEntry(ListingEntry? entry) => entry switch
    {
        null => null,
        { Kind: NodeKind.Directory } => new SaveTreeEntry(entry.Name, true, GitFileMode.Tree, entry.Entry.Id, null),
        _ => new SaveTreeEntry(entry.Name, false, entry.Entry.Mode, entry.Entry.Id, entry.Metadata),
    };

    private static bool Same(ListingEntry? a, ListingEntry? b) =>
        a is null || b is null ? a is null && b is null
            : a.Entry.Mode == b.Entry.Mode && a.Entry.Id == b.Entry.Id && a.IsChunked == b.IsChunked && SameRecord(a.Metadata, b.Metadata);

    private static bool SameRecord(BupMetadata? a, BupMetadata? b) =>
        a is null || b is null ? a is null && b is null : a.Encode().AsSpan().SequenceEqual(b.Encode());

    private static SortedSet<byte[]> Names(TreeListing? b, TreeListing s, TreeListing h)
    {
        var names = new SortedSet<byte[]>(ByteArrayComparer.Instance);
        foreach (var listing in new[] { b, s, h })
        {
            foreach (var entry in listing?.Entries ?? [])
            {
                names.Add(entry.Name);
            }
        }

        return names;
    }
}
