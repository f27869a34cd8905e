// Path resolution with bup's rules (vfs.py _resolve_path): absolute from the root, ".." pops,
// symlinks in the middle are followed (absolute targets from the view's root), the final one is
// not unless the path ends with '/'.
namespace BupFs.Repo;

/// <summary>Resolves byte paths of the repository view to nodes.</summary>
/// <remarks>Stateless apart from the table it registers nodes in; thread-safe.</remarks>
internal sealed class PathResolver
{
    /// <summary>bup's limit on symlinks followed in one resolution.</summary>
    public const int MaxSymlinkHops = 100;

    private readonly RepoNode _root;
    private readonly Func<RepoNode, ReadOnlySpan<byte>, RepoNode> _lookup;

    /// <summary>Resolves from <paramref name="root"/>; <paramref name="lookup"/> finds and registers one child (or throws NotFound).</summary>
    public PathResolver(RepoNode root, Func<RepoNode, ReadOnlySpan<byte>, RepoNode> lookup)
    {
        _root = root;
        _lookup = lookup;
    }

    /// <summary>
    /// The node <paramref name="path"/> names (relative paths start at the root too). A final
    /// symlink is followed only when <paramref name="followFinal"/> is set or the path ends in '/'.
    /// </summary>
    /// <exception cref="FsException">NotFound, NotDirectory, or Loop for a symlink loop.</exception>
    public RepoNode Resolve(ReadOnlySpan<byte> path, bool followFinal)
    {
        var future = new Stack<byte[]>(Reversed(VfsPath.Split(path, out _, out var mustBeDirectory)));
        var past = new List<RepoNode> { _root };
        var hops = 0;
        while (future.TryPop(out var segment))
        {
            if (VfsPath.IsParent(segment))
            {
                if (past.Count > 1)
                {
                    past.RemoveAt(past.Count - 1);
                }

                continue;
            }

            var child = _lookup(past[^1], segment);
            if (child.Kind == NodeKind.Symlink && (future.Count > 0 || mustBeDirectory || followFinal))
            {
                FollowSymlink(child, path, ref hops, past, future);
                continue;
            }

            past.Add(child);
            if (child.Kind != NodeKind.Directory && future.Count > 0)
            {
                throw new FsException(FsError.NotDirectory, $"{Display(path)}: a component is not a directory");
            }
        }

        var result = past[^1];
        return mustBeDirectory && result.Kind != NodeKind.Directory
            ? throw new FsException(FsError.NotDirectory, $"{Display(path)}: not a directory")
            : result;
    }

    private void FollowSymlink(RepoNode link, ReadOnlySpan<byte> path, ref int hops, List<RepoNode> past, Stack<byte[]> future)
    {
        if (++hops > MaxSymlinkHops)
        {
            throw new FsException(FsError.Loop, $"{Display(path)}: too many levels of symbolic links");
        }

        var target = link.ReadLink();
        var components = VfsPath.Split(target, out var isAbsolute, out _);
        if (isAbsolute)
        {
            past.RemoveRange(1, past.Count - 1);
        }

        for (var i = components.Count - 1; i >= 0; i--)
        {
            future.Push(components[i]);
        }
    }

    private static IEnumerable<byte[]> Reversed(List<byte[]> components)
    {
        components.Reverse();
        return components;
    }

    private static string Display(ReadOnlySpan<byte> path) => BupStore.Objects.NameText.Display(path);
}
