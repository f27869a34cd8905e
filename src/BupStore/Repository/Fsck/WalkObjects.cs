using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// What the walk needs of an object: present (per the catalog), of the type the naming entry says,
/// and for trees and commits parsed. Each missing or mistyped object is reported once, about the
/// object itself, so the path pass can later name where it shows.
/// </summary>
internal sealed class WalkObjects
{
    private readonly Repository _repo;
    private readonly ObjectCatalog _catalog;
    private readonly FsckReport _report;

    public WalkObjects(Repository repo, ObjectCatalog catalog, FsckReport report)
    {
        _repo = repo;
        _catalog = catalog;
        _report = report;
    }

    /// <summary>Reads any object as the walk does (idx files only, or loose); false when absent.</summary>
    public bool TryRead(ObjectId id, out GitObject obj) => _catalog.TryRead(id, _repo.Objects, _repo.ObjectsDir, out obj);

    /// <summary>The object's type when it is present and sound; else null (and a problem reported).</summary>
    public ObjectType? TypeOf(ObjectId id, ObjectType expected, out long size)
    {
        switch (_catalog.Lookup(id, out var type, out size))
        {
            case ObjectState.Missing:
                _report.AddOnce(FsckProblemKind.MissingObject, $"missing {ObjectTypes.NameString(expected)} {id}", id);
                return null;
            case ObjectState.Damaged:
                return null; // the pack pass reported it
            default:
                return type;
        }
    }

    /// <summary>
    /// The size of the object an entry of <paramref name="parent"/> names, when it is present with
    /// type <paramref name="expected"/>; else null, with the problem reported.
    /// </summary>
    public long? Expect(ObjectId parent, TreeEntry entry, ObjectType expected)
    {
        var type = TypeOf(entry.Id, expected, out var size);
        if (type is null)
        {
            return null;
        }

        if (type != expected)
        {
            _report.Add(FsckProblemKind.WrongType,
                $"tree {parent}: entry '{entry.DisplayName}' names a {ObjectTypes.NameString(type.Value)} {entry.Id}, its mode says {ObjectTypes.NameString(expected)}",
                parent);
            return null;
        }

        return size;
    }

    /// <summary>A tree's entries, or null when it cannot be read or parsed (reported).</summary>
    public List<TreeEntry>? ReadTree(ObjectId id)
    {
        var data = Read(id);
        if (data is null)
        {
            return null;
        }

        try
        {
            return TreeCodec.Parse(data, $"tree {id}");
        }
        catch (CorruptObjectException e)
        {
            _report.AddOnce(FsckProblemKind.BadTree, e.Message, id);
            return null;
        }
    }

    /// <summary>A commit, or null when it cannot be read or parsed (reported).</summary>
    public Commit? ReadCommit(ObjectId id)
    {
        if (_catalog.Lookup(id, out var type, out _) == ObjectState.Missing)
        {
            _report.AddOnce(FsckProblemKind.MissingObject, $"missing commit {id}", id);
            return null;
        }

        if (type != ObjectType.Commit)
        {
            return null; // damaged (reported) or of another type (reported by whoever named it)
        }

        try
        {
            return Read(id) is { } data ? CommitCodec.Parse(data, $"commit {id}") : null;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            _report.AddOnce(FsckProblemKind.BadCommit, e.Message, id);
            return null;
        }
    }

    /// <summary>The content of a blob known to be present.</summary>
    public byte[]? ReadBlob(ObjectId id) => Read(id);

    private byte[]? Read(ObjectId id)
    {
        try
        {
            return _catalog.TryRead(id, _repo.Objects, _repo.ObjectsDir, out var obj) ? obj.Data : throw new ObjectNotFoundException(id);
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            _report.AddOnce(FsckProblemKind.DamagedObject, $"object {id}: {e.Message}", id);
            return null;
        }
    }
}
