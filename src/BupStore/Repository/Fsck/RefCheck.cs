using System.Text;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// Refs as git fsck checks them: every loose ref file and packed-refs line must hold an object id
/// (or a symbolic ref), HEAD must be a symbolic ref or an id, every ref must name an existing
/// object, and a branch (refs/heads) a commit. Returns the refs the walk starts from.
/// </summary>
internal sealed class RefCheck
{
    private readonly Repository _repo;
    private readonly FsckReport _report;
    private readonly Func<ObjectId, ObjectType?> _typeOf;

    /// <param name="repo">The repository.</param>
    /// <param name="report">Where problems go.</param>
    /// <param name="typeOf">An object's type, null when it is missing or damaged.</param>
    public RefCheck(Repository repo, FsckReport report, Func<ObjectId, ObjectType?> typeOf)
    {
        _repo = repo;
        _report = report;
        _typeOf = typeOf;
    }

    public IReadOnlyList<(string Name, ObjectId Id)> Run()
    {
        CheckPackedRefs();
        CheckLooseFiles();
        var refs = _repo.Refs.List("refs/");
        var usable = new List<(string Name, ObjectId Id)>();
        foreach (var (name, id) in refs)
        {
            if (CheckTarget(name, id))
            {
                usable.Add((name, id));
            }
        }

        CheckHead();
        return usable;
    }

    private bool CheckTarget(string name, ObjectId id)
    {
        var type = _typeOf(id);
        if (type is null)
        {
            if (!_report.HasProblemAbout(id))
            {
                _report.Add(FsckProblemKind.MissingObject, $"ref {name}: names missing object {id}", id);
            }

            return false;
        }

        if (name.StartsWith("refs/heads/", StringComparison.Ordinal) && type != ObjectType.Commit)
        {
            // No id: the object itself is sound, and the saves that hold it are not affected.
            _report.Add(FsckProblemKind.BadRef, $"ref {name}: names a {ObjectTypes.NameString(type.Value)} {id}, not a commit");
            return false;
        }

        return true;
    }

    // RefStore.List leaves unusable loose refs out; here each is a problem, named in git's terms.
    private void CheckLooseFiles()
    {
        var root = Path.Combine(_repo.GitDir, "refs");
        if (!Directory.Exists(root))
        {
            _report.Add(FsckProblemKind.BadRef, "refs: missing folder");
            return;
        }

        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(_repo.GitDir, file).Replace('\\', '/');
            if (name.EndsWith(".lock", StringComparison.Ordinal))
            {
                continue; // an update in progress, not a ref
            }

            if (!RefNames.IsValidRefName(name))
            {
                _report.Add(FsckProblemKind.BadRef, $"ref {name}: invalid ref name");
                continue;
            }

            var text = File.ReadAllText(file, Encoding.Latin1).TrimEnd('\n');
            if (!text.StartsWith("ref: ", StringComparison.Ordinal) && !(text.Length == ObjectId.HexSize && ObjectId.TryParse(text, out _)))
            {
                _report.Add(FsckProblemKind.BadRef, $"ref {name}: malformed content (not an object id)");
            }
        }
    }

    private void CheckPackedRefs()
    {
        var path = Path.Combine(_repo.GitDir, "packed-refs");
        if (!File.Exists(path))
        {
            return;
        }

        var number = 0;
        foreach (var line in File.ReadLines(path, Encoding.Latin1))
        {
            number++;
            var ok = line.Length == 0 || line[0] == '#'
                || (line[0] == '^' && line.Length == 41 && ObjectId.TryParse(line.AsSpan(1), out _))
                || (line.Length > 41 && line[40] == ' ' && ObjectId.TryParse(line.AsSpan(0, 40), out _) && RefNames.IsValidRefName(line[41..]));
            if (!ok)
            {
                _report.Add(FsckProblemKind.BadRef, $"packed-refs line {number}: malformed");
            }
        }
    }

    // HEAD naming an unborn branch is normal (bup init's HEAD names refs/heads/master): git only notes it.
    private void CheckHead()
    {
        var path = Path.Combine(_repo.GitDir, "HEAD");
        if (!File.Exists(path))
        {
            _report.Add(FsckProblemKind.BadRef, "HEAD: missing");
            return;
        }

        var text = File.ReadAllText(path, Encoding.Latin1).TrimEnd('\n');
        if (text.StartsWith("ref: ", StringComparison.Ordinal))
        {
            if (!RefNames.IsValidRefName(text[5..]) && text[5..] != "HEAD")
            {
                _report.Add(FsckProblemKind.BadRef, $"HEAD: names an invalid ref '{text[5..]}'");
            }

            return;
        }

        if (!ObjectId.TryParse(text, out var id))
        {
            _report.Add(FsckProblemKind.BadRef, "HEAD: neither a symbolic ref nor an object id");
        }
        else
        {
            CheckTarget("HEAD", id);
        }
    }
}
