namespace BupStore.Repository;

/// <summary>What <see cref="RepositoryChecker"/> found: counts and one line per damaged item.</summary>
public sealed class FsckReport
{
    private readonly List<string> _problems = [];

    /// <summary>Packs checked.</summary>
    public int Packs { get; internal set; }

    /// <summary>Objects whose id was recomputed.</summary>
    public long Objects { get; internal set; }

    /// <summary>One line per problem, naming the file, object or ref.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return _problems.ToList();
            }
        }
    }

    /// <summary>True when nothing was found damaged.</summary>
    public bool Clean => Problems.Count == 0;

    internal void Add(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
