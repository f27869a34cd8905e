using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// One thing <see cref="RepositoryChecker"/> found wrong: what kind, the object it is about (when
/// there is one), the pack file involved, and where it shows in the saves ("BRANCH/SAVE/path").
/// </summary>
/// <param name="Kind">The kind of damage.</param>
/// <param name="Message">One line saying what is wrong, naming files and objects.</param>
/// <param name="Id">The damaged, missing or malformed object, if the problem is about one.</param>
/// <param name="Pack">The pack or idx file involved, if any.</param>
public sealed record FsckProblem(FsckProblemKind Kind, string Message, ObjectId? Id = null, string? Pack = null)
{
    private readonly List<string> _paths = [];

    /// <summary>Where the object shows: "BRANCH/SAVE-NAME/path" (or a commit id), at most the checker's limit.</summary>
    public IReadOnlyList<string> AffectedPaths
    {
        get
        {
            lock (_paths)
            {
                return [.. _paths];
            }
        }
    }

    /// <summary>How many affected paths were found beyond those listed.</summary>
    public long MorePaths { get; private set; }

    /// <summary>The message, then the affected paths after ": ".</summary>
    public override string ToString()
    {
        var paths = AffectedPaths;
        if (paths.Count == 0)
        {
            return Message;
        }

        var more = MorePaths > 0 ? $" (and {MorePaths} more)" : string.Empty;
        return $"{Message}: {string.Join(", ", paths)}{more}";
    }

    internal void AddPath(string path, int limit)
    {
        lock (_paths)
        {
            if (_paths.Contains(path))
            {
                return;
            }

            if (_paths.Count < limit)
            {
                _paths.Add(path);
            }
            else
            {
                MorePaths++;
            }
        }
    }
}
