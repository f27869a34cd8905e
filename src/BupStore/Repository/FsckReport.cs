namespace BupStore.Repository;

/// <summary>What <see cref="RepositoryChecker"/> found: counts and the problems, each with the saves and paths it affects.</summary>
public sealed class FsckReport
{
    private readonly List<FsckProblem> _problems = [];
    private readonly Dictionary<string, FsckProblem> _byMessage = new(StringComparer.Ordinal);
    private readonly Dictionary<Objects.ObjectId, List<FsckProblem>> _byId = [];

    /// <summary>Packs checked.</summary>
    public int Packs { get; internal set; }

    /// <summary>Total size of the pack files (what progress counts up to).</summary>
    public long PackBytes { get; internal set; }

    /// <summary>Objects whose id was recomputed.</summary>
    public long Objects { get; internal set; }

    /// <summary>Commits reached from the refs.</summary>
    public long Commits { get; internal set; }

    /// <summary>Trees (directories and chunk trees) reached from the commits.</summary>
    public long Trees { get; internal set; }

    /// <summary>Every problem, in the order found (pack checks, refs, objects, then the walk).</summary>
    public IReadOnlyList<FsckProblem> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>True when nothing was found damaged.</summary>
    public bool Clean
    {
        get
        {
            lock (_problems)
            {
                return _problems.Count == 0;
            }
        }
    }

    internal FsckProblem Add(FsckProblemKind kind, string message, Objects.ObjectId? id = null, string? pack = null)
    {
        lock (_problems)
        {
            // Two threads can reach one damaged tree: one line per distinct problem.
            if (_byMessage.TryGetValue(message, out var known))
            {
                return known;
            }

            var problem = new FsckProblem(kind, message, id, pack);
            _byMessage[message] = problem;
            _problems.Add(problem);
            if (id is { } key)
            {
                if (!_byId.TryGetValue(key, out var list))
                {
                    _byId[key] = list = [];
                }

                list.Add(problem);
            }

            return problem;
        }
    }

    /// <summary>Adds a problem about <paramref name="id"/> unless one about it was already reported.</summary>
    internal void AddOnce(FsckProblemKind kind, string message, Objects.ObjectId id)
    {
        lock (_problems)
        {
            if (!_byId.ContainsKey(id))
            {
                Add(kind, message, id);
            }
        }
    }

    /// <summary>The objects problems are about: the saves are searched for them to name affected paths.</summary>
    internal IReadOnlyDictionary<Objects.ObjectId, List<FsckProblem>> ById
    {
        get
        {
            lock (_problems)
            {
                return new Dictionary<Objects.ObjectId, List<FsckProblem>>(_byId);
            }
        }
    }

    /// <summary>True when a problem about <paramref name="id"/> was already reported.</summary>
    internal bool HasProblemAbout(Objects.ObjectId id)
    {
        lock (_problems)
        {
            return _byId.ContainsKey(id);
        }
    }
}
