using System.Text;

namespace BupFs.Repo;

/// <summary>
/// A folder over a ref namespace: the root (branches), <c>/.tag</c> (tags), and the folders that
/// branch or tag names containing '/' make (<c>refs/heads/team/db</c> shows as <c>/team/db</c>).
/// Its content follows the refs, so it is not immutable. Mode 0755; times = the newest branch tip
/// below it (epoch for tags); link count 1 (unknown).
/// </summary>
/// <remarks>
/// A name that is both a ref and a folder (possible only through packed-refs) shows the ref; the
/// refs below it are unreachable, as git itself refuses to create them.
/// </remarks>
internal class RefFolder : RepoNode
{
    private readonly RefNamespace _space;
    private readonly byte[] _prefix;

    public RefFolder(RepoContext context, NodeIdentity identity, RefNamespace space, byte[] prefix)
        : base(context, identity)
    {
        _space = space;
        _prefix = prefix;
    }

    /// <inheritdoc/>
    public override NodeKind Kind => NodeKind.Directory;

    /// <inheritdoc/>
    public override bool Immutable => false;

    /// <summary>The author time of commit <paramref name="id"/>, or 0 when it cannot be read.</summary>
    public static long CommitTime(RepoContext context, BupStore.Objects.ObjectId id)
    {
        try
        {
            return context.Cache.GetCommit(id).Author.Seconds;
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            return 0;
        }
    }

    /// <inheritdoc/>
    public override RepoNode? Find(ReadOnlySpan<byte> name)
    {
        foreach (var (childName, leaf) in Children())
        {
            if (childName.AsSpan().SequenceEqual(name))
            {
                return CreateChild(childName, leaf);
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override IEnumerable<(byte[] Name, RepoNode Node)> List()
    {
        var result = new List<(byte[] Name, RepoNode Node)>();
        foreach (var (name, leaf) in Children())
        {
            try
            {
                if (CreateChild(name, leaf) is { } node)
                {
                    result.Add((name, node));
                }
            }
            catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
            {
                Context.Warn($"ref {Encoding.UTF8.GetString(_prefix)}{BupStore.Objects.NameText.Display(name)}: {e.Message}; hidden from the listing");
            }
        }

        return result;
    }

    /// <inheritdoc/>
    protected override NodeAttributes ComputeAttributes()
    {
        long newest = 0;
        if (_space == RefNamespace.Heads)
        {
            foreach (var head in Context.Refs.Current.Heads)
            {
                if (head.Name.AsSpan().StartsWith(_prefix))
                {
                    newest = Math.Max(newest, CommitTime(Context, head.Id));
                }
            }
        }

        return MetadataAttributes.Synthetic(NodeKind.Directory, MetadataAttributes.DirectoryMode, 0, Inode, 1, new FsTime(newest, 0), immutable: false);
    }

    /// <summary>The direct children, sorted by name: each a ref (leaf) or a folder (null).</summary>
    protected virtual SortedDictionary<byte[], RefEntry?> Children()
    {
        var children = new SortedDictionary<byte[], RefEntry?>(ByteArrayComparer.Instance);
        foreach (var entry in Context.Refs.Current.Of(_space))
        {
            var name = entry.Name.AsSpan();
            if (!name.StartsWith(_prefix))
            {
                continue;
            }

            var rest = name[_prefix.Length..];
            var slash = rest.IndexOf(VfsPath.Separator);
            var child = (slash < 0 ? rest : rest[..slash]).ToArray();
            if (!VfsPath.IsValidName(child))
            {
                continue;
            }

            if (slash < 0)
            {
                children[child] = entry;
            }
            else
            {
                children.TryAdd(child, null);
            }
        }

        return children;
    }

    /// <summary>The node of a child: a branch, a tag's object, or a sub-folder.</summary>
    protected virtual RepoNode? CreateChild(byte[] name, RefEntry? leaf)
    {
        if (leaf is not { } entry)
        {
            return new RefFolder(Context, NodeIdentity.Folder(Inode, name), _space, [.. _prefix, .. name, VfsPath.Separator]);
        }

        return _space == RefNamespace.Heads
            ? new BranchDirectory(Context, NodeIdentity.Entry(Inode, name), entry.Name)
            : TagNodes.Create(Context, Inode, name, entry.Id);
    }
}
