using System.Text;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// Turns what users type into object ids, as git rev-parse does for the forms bup accepts: a full
/// hex id, a ref ("name", "refs/heads/name", "tags/x"), and "REV:path/in/tree".
/// </summary>
public static class RevParse
{
    /// <summary>Resolves <paramref name="spec"/>; a clear error when it names nothing.</summary>
    public static ObjectId Resolve(Repository repo, string spec)
    {
        var colon = spec.IndexOf(':');
        if (colon >= 0)
        {
            var root = Resolve(repo, spec[..colon]);
            return ResolvePath(repo, root, spec[(colon + 1)..], spec);
        }

        if (ObjectId.TryParse(spec, out var id))
        {
            return id;
        }

        foreach (var candidate in new[] { spec, $"refs/{spec}", $"refs/tags/{spec}", $"refs/heads/{spec}" })
        {
            if ((candidate == "HEAD" || RefNames.IsValidRefName(candidate)) && repo.Refs.TryRead(candidate, out id))
            {
                return id;
            }
        }

        throw new RepositoryException($"'{spec}' names no ref and is not an object id");
    }

    private static ObjectId ResolvePath(Repository repo, ObjectId start, string path, string spec)
    {
        var tree = Peel(repo, start);
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Encoding.UTF8.GetBytes(part);
            var entry = repo.Objects.ReadTree(tree).Find(e => e.Name.AsSpan().SequenceEqual(name))
                ?? throw new RepositoryException($"'{spec}': no entry '{part}'");
            tree = entry.Id;
        }

        return tree;
    }

    /// <summary>A commit's tree, or the id itself for anything else.</summary>
    public static ObjectId Peel(Repository repo, ObjectId id)
    {
        var obj = repo.Objects.Read(id);
        return obj.Type == ObjectType.Commit ? CommitCodec.Parse(obj.Data, $"commit {id}").Tree : id;
    }
}
