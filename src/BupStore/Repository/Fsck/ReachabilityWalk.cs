using System.Collections.Concurrent;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// The second pass: from every ref, every commit (parents included) and every tree below it,
/// once each. Commits are followed on one thread (they are few); directories are a shared work
/// stack that all cores take from, each directory's chunked files checked by the thread that
/// found them. Memory: the set of visited trees and commits, bounded by the object count.
/// </summary>
internal sealed class ReachabilityWalk
{
    private readonly WalkObjects _objects;
    private readonly FsckReport _report;
    private readonly ChunkTreeCheck _chunks;
    private readonly DirectoryCheck _directories;
    private readonly ConcurrentDictionary<ObjectId, byte> _visited = new();
    private readonly ConcurrentStack<ObjectId> _work = new();
    private long _pending;

    public ReachabilityWalk(WalkObjects objects, FsckReport report)
    {
        _objects = objects;
        _report = report;
        _chunks = new ChunkTreeCheck(objects, report);
        _directories = new DirectoryCheck(objects, _chunks, report);
    }

    public void Run(IReadOnlyList<(string Name, ObjectId Id)> refs)
    {
        var commits = new HashSet<ObjectId>();
        var pending = new Stack<ObjectId>();
        foreach (var (_, id) in refs)
        {
            Start(id, pending, 0);
        }

        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (commits.Add(id))
            {
                VisitCommit(id, pending);
            }
        }

        _report.Commits = commits.Count;
        var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(Work)).ToArray();
        Task.WaitAll(workers);
        _report.Trees = _visited.Count + _chunks.Count;
    }

    // A ref names a commit, a tree, a blob or an annotated tag (then its target, once peeled).
    private void Start(ObjectId id, Stack<ObjectId> commits, int depth)
    {
        switch (_objects.TypeOf(id, ObjectType.Commit, out _))
        {
            case ObjectType.Commit:
                commits.Push(id);
                break;
            case ObjectType.Tree:
                Root(id);
                break;
            case ObjectType.Tag when depth < 10:
                var target = _objects.TryRead(id, out var tag) ? StrictTag.Parse(tag.Data, out _) : null;
                if (target is { } t)
                {
                    Start(t.Id, commits, depth + 1);
                }

                break;
        }
    }

    private void VisitCommit(ObjectId id, Stack<ObjectId> pending)
    {
        var commit = _objects.ReadCommit(id);
        if (commit is null)
        {
            return;
        }

        foreach (var parent in commit.Parents)
        {
            pending.Push(parent);
        }

        var type = _objects.TypeOf(commit.Tree, ObjectType.Tree, out _);
        if (type == ObjectType.Tree)
        {
            Root(commit.Tree);
        }
        else if (type is not null)
        {
            _report.Add(FsckProblemKind.WrongType, $"commit {id}: names a {ObjectTypes.NameString(type.Value)} {commit.Tree} as its tree", id);
        }
    }

    private void Root(ObjectId tree)
    {
        if (_visited.ContainsKey(tree))
        {
            return;
        }

        Interlocked.Increment(ref _pending);
        _work.Push(tree);
    }

    private void Work()
    {
        var idle = new SpinWait();
        while (true)
        {
            if (_work.TryPop(out var id))
            {
                idle.Reset();
                Process(id);
                Interlocked.Decrement(ref _pending);
            }
            else if (Interlocked.Read(ref _pending) == 0)
            {
                return;
            }
            else
            {
                idle.SpinOnce();
            }
        }
    }

    private void Process(ObjectId id)
    {
        if (!_visited.TryAdd(id, 0))
        {
            return;
        }

        try
        {
            var entries = _objects.ReadTree(id);
            if (entries is null)
            {
                return;
            }

            // A split branch's commit names a chunk tree; a save's names its root directory.
            if (ChunkTreeCheck.LooksLikeChunkTree(entries))
            {
                _chunks.Size(id);
                return;
            }

            foreach (var sub in _directories.Check(id, entries))
            {
                Root(sub);
            }
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            _report.AddOnce(FsckProblemKind.DamagedObject, $"tree {id}: {e.Message}", id);
        }
    }
}
