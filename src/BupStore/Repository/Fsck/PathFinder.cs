using System.Globalization;
using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// The third pass, run only when problems were found: names where each problem object shows, as
/// "BRANCH/SAVE-NAME/path" (bup's save names: the author time, local time). Every save of every
/// branch is walked, but only into trees that hold a problem object somewhere below: whether a
/// tree does is remembered per tree, so each tree is read at most once more. A problem inside a
/// file's chunk tree is reported at the file's path.
/// </summary>
internal sealed class PathFinder
{
    private const int MaxDepth = 4096;
    private readonly WalkObjects _store;
    private readonly IReadOnlyDictionary<ObjectId, List<FsckProblem>> _problems;
    private readonly int _limit;
    private readonly Dictionary<ObjectId, bool> _directoryHasProblem = [];
    private readonly Dictionary<ObjectId, ObjectId[]> _chunkProblems = [];

    public PathFinder(WalkObjects store, IReadOnlyDictionary<ObjectId, List<FsckProblem>> problems, int limit)
    {
        _store = store;
        _problems = problems;
        _limit = limit;
    }

    public void Run(IReadOnlyList<(string Name, ObjectId Id)> refs)
    {
        foreach (var (name, id) in refs)
        {
            var branch = name.StartsWith("refs/heads/", StringComparison.Ordinal) ? name[11..]
                : name.StartsWith("refs/tags/", StringComparison.Ordinal) ? ".tag/" + name[10..] : name;
            WalkBranch(branch, id);
        }
    }

    private void WalkBranch(string branch, ObjectId head)
    {
        var seen = new HashSet<ObjectId>();
        var pending = new Stack<ObjectId>([head]);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (!seen.Add(id))
            {
                continue;
            }

            var commit = TryReadCommit(id);
            var save = commit is null ? $"{branch}/{id}" : $"{branch}/{SaveName(commit)}";
            Note(id, save);
            if (commit is null)
            {
                continue;
            }

            commit.Parents.ToList().ForEach(pending.Push);
            Note(commit.Tree, save + "/");
            WalkRoot(commit.Tree, save);
        }
    }

    private static string SaveName(Commit commit) =>
        DateTimeOffset.FromUnixTimeSeconds(commit.Author.Seconds).ToLocalTime().ToString("yyyy-MM-dd-HHmmss", CultureInfo.InvariantCulture);

    private void WalkRoot(ObjectId tree, string save)
    {
        var entries = TryReadTree(tree);
        if (entries is null)
        {
            return;
        }

        if (ChunkTreeCheck.LooksLikeChunkTree(entries))
        {
            NoteChunk(tree, save);
        }
        else if (DirectoryHasProblem(tree, 0))
        {
            Descend(entries, save, 0);
        }
    }

    private void Descend(List<TreeEntry> entries, string path, int depth)
    {
        foreach (var entry in entries)
        {
            var isBupm = entry.Name.AsSpan().SequenceEqual(NameMangling.BupmName);
            var name = isBupm ? entry.Name : NameMangling.Demangle(entry.Name, entry.Mode, out _);
            NameMangling.Demangle(entry.Name, entry.Mode, out var isChunked);
            var child = $"{path}/{NameText.Display(name)}";
            Note(entry.Id, child);
            if (!entry.IsTree)
            {
                continue;
            }

            if (isChunked)
            {
                NoteChunk(entry.Id, child);
            }
            else if (DirectoryHasProblem(entry.Id, depth + 1) && TryReadTree(entry.Id) is { } sub)
            {
                Descend(sub, child, depth + 1);
            }
        }
    }

    private void NoteChunk(ObjectId tree, string path)
    {
        foreach (var id in ChunkProblems(tree, 0))
        {
            Note(id, path);
        }
    }

    private bool DirectoryHasProblem(ObjectId tree, int depth)
    {
        if (_directoryHasProblem.TryGetValue(tree, out var known))
        {
            return known;
        }

        var result = false;
        if (depth < MaxDepth && TryReadTree(tree) is { } entries)
        {
            foreach (var entry in entries)
            {
                NameMangling.Demangle(entry.Name, entry.Mode, out var isChunked);
                result |= _problems.ContainsKey(entry.Id)
                    || (entry.IsTree && (isChunked ? ChunkProblems(entry.Id, 0).Length > 0 : DirectoryHasProblem(entry.Id, depth + 1)));
            }
        }

        _directoryHasProblem[tree] = result;
        return result;
    }

    // The problem objects anywhere in a chunk tree (the tree itself included).
    private ObjectId[] ChunkProblems(ObjectId tree, int depth)
    {
        if (_chunkProblems.TryGetValue(tree, out var known))
        {
            return known;
        }

        var found = new HashSet<ObjectId>();
        if (_problems.ContainsKey(tree))
        {
            found.Add(tree);
        }

        if (depth < MaxDepth && TryReadTree(tree) is { } entries)
        {
            foreach (var entry in entries)
            {
                if (_problems.ContainsKey(entry.Id))
                {
                    found.Add(entry.Id);
                }

                if (entry.IsTree)
                {
                    found.UnionWith(ChunkProblems(entry.Id, depth + 1));
                }
            }
        }

        var result = found.Count == 0 ? [] : found.ToArray();
        _chunkProblems[tree] = result;
        return result;
    }

    private Commit? TryReadCommit(ObjectId id)
    {
        try
        {
            return _store.TryRead(id, out var obj) && obj.Type == ObjectType.Commit ? CommitCodec.Parse(obj.Data, $"commit {id}") : null;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            return null; // named by its id
        }
    }

    private List<TreeEntry>? TryReadTree(ObjectId id)
    {
        try
        {
            return _store.TryRead(id, out var obj) && obj.Type == ObjectType.Tree ? TreeCodec.Parse(obj.Data, $"tree {id}") : null;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            return null;
        }
    }

    private void Note(ObjectId id, string path)
    {
        if (_problems.TryGetValue(id, out var problems))
        {
            foreach (var problem in problems)
            {
                problem.AddPath(path, _limit);
            }
        }
    }
}
