using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// Whether a save may reuse an object its index names. Normally the object's own presence is
/// enough (bup's rule). Once damage is recorded (a quarantined pack, or ids a repair lost), an
/// object may be present while something below it is not: a file's chunk tree may survive in a new
/// pack while one of its chunks was lost. Then a directory is never reused whole and a chunked file
/// only when every object below it is stored outside the quarantine, so the save reads again, and
/// rewrites, whatever a damaged pack took away.
/// </summary>
/// <remarks>Thread-safe (reads only).</remarks>
public sealed class ReuseGuard
{
    private readonly ObjectWriter _writer;

    /// <summary>A guard for saves through <paramref name="writer"/>, active when the quarantine holds anything.</summary>
    public ReuseGuard(ObjectWriter writer)
    {
        _writer = writer;
        Active = !writer.Store.Quarantine.IsEmpty;
    }

    /// <summary>True when damage is recorded and reuse must be checked in depth.</summary>
    public bool Active { get; }

    /// <summary>
    /// True when <paramref name="id"/> may be reused: it is stored, and, while <see cref="Active"/>, it is
    /// not a directory (<paramref name="isDirectory"/>) and, for a chunked file (<paramref name="isTree"/>),
    /// every object below it is stored too.
    /// </summary>
    public bool MayReuse(ObjectId id, bool isDirectory, bool isTree)
    {
        if (!_writer.Exists(id))
        {
            return false;
        }

        return !Active || (!isDirectory && (!isTree || IsWholeTree(id)));
    }

    private bool IsWholeTree(ObjectId tree)
    {
        try
        {
            foreach (var entry in _writer.Store.ReadTree(tree))
            {
                var whole = entry.IsTree ? _writer.Exists(entry.Id) && IsWholeTree(entry.Id) : _writer.Exists(entry.Id);
                if (!whole)
                {
                    return false;
                }
            }

            return true;
        }
        catch (RepositoryException)
        {
            return false; // unreadable: reading the file again is the safe answer
        }
    }
}
