using System.Runtime.CompilerServices;
using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// One node of the repository view. Subclasses are the node kinds (root, ref folders, branches,
/// saves, directories, files, symlinks, special files); the node table owns their inode numbers.
/// </summary>
/// <remarks>
/// Thread-safe: nodes are called concurrently by host threads. Immutable nodes compute their
/// attributes once (a race may compute them twice, with the same result); mutable nodes (those
/// that follow the refs) compute them on every call.
/// </remarks>
internal abstract class RepoNode
{
    private StrongBox<NodeAttributes>? _attributes;

    protected RepoNode(RepoContext context, NodeIdentity identity)
    {
        Context = context;
        Identity = identity;
    }

    /// <summary>The repository services.</summary>
    public RepoContext Context { get; }

    /// <summary>What makes this node itself; the input of its inode number.</summary>
    public NodeIdentity Identity { get; }

    /// <summary>The inode number, assigned once by the node table before the node is used.</summary>
    public ulong Inode { get; set; }

    /// <summary>The node type.</summary>
    public abstract NodeKind Kind { get; }

    /// <summary>True when nothing about the node can change (everything inside a save or tag).</summary>
    public abstract bool Immutable { get; }

    /// <summary>The bup metadata the node's attributes and extended attributes come from, if any.</summary>
    public virtual BupMetadata? Metadata => null;

    /// <summary>The git object behind the node (tree, blob or chunk tree), if any.</summary>
    public virtual ObjectId? ObjectId => null;

    /// <summary>The commit behind the node (saves and tagged commits), if any.</summary>
    public virtual ObjectId? CommitId => null;

    /// <summary>The node's attributes, inode number included.</summary>
    public NodeAttributes GetAttributes()
    {
        if (!Immutable)
        {
            return ComputeAttributes();
        }

        var box = _attributes;
        if (box is null)
        {
            box = new StrongBox<NodeAttributes>(ComputeAttributes());
            _attributes = box;
        }

        return box.Value;
    }

    /// <summary>The child named <paramref name="name"/>, or null when there is none.</summary>
    /// <exception cref="FsException">NotDirectory when this node is not a directory.</exception>
    public virtual RepoNode? Find(ReadOnlySpan<byte> name) => throw new FsException(FsError.NotDirectory);

    /// <summary>Every child with its name, in a stable order (sorted by name).</summary>
    /// <exception cref="FsException">NotDirectory when this node is not a directory.</exception>
    public virtual IEnumerable<(byte[] Name, RepoNode Node)> List() => throw new FsException(FsError.NotDirectory);

    /// <summary>The symlink target.</summary>
    /// <exception cref="FsException">InvalidArgument when this node is not a symlink.</exception>
    public virtual byte[] ReadLink() => throw new FsException(FsError.InvalidArgument, "not a symbolic link");

    /// <summary>A handle for reading the node's content.</summary>
    /// <exception cref="FsException">IsDirectory for directories, InvalidArgument for other non-files.</exception>
    public virtual RepoFileHandle Open() =>
        throw new FsException(Kind == NodeKind.Directory ? FsError.IsDirectory : FsError.InvalidArgument, $"cannot read a {Kind}");

    /// <summary>Computes the attributes; called once for immutable nodes.</summary>
    protected abstract NodeAttributes ComputeAttributes();
}
