// The read-only repository view behind `bupfs mount`, `bupfs ls` and `bupfs cat-file`: bup 0.33's
// VFS layout (docs/formats/vfs-layout.md) with the metadata of `bup fuse --meta`.
using BupFs.Caching;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Repo;

/// <summary>
/// A bup repository as a read-only filesystem: <c>/</c> lists the branches and <c>.tag</c>; a
/// branch lists its saves (named after the author time in <see cref="RepoFileSystemOptions.TimeZone"/>)
/// and <c>latest</c>; a save shows its tree with demangled names and the metadata of its
/// <c>.bupm</c> files (owners, modes, ns times, special files, symlinks, hardlinks, xattrs, ACLs).
/// </summary>
/// <remarks>
/// <para>Thread-safe: every member may be called concurrently.</para>
/// <para>Inode numbers are deterministic (docs/decisions/0002-inode-numbers.md). A node stays
/// addressable while the host holds lookup references or open handles; nodes handed out by
/// <see cref="ReadDirectory"/>, <see cref="Resolve"/> or forgotten are kept as "idle" nodes up to
/// <see cref="RepoFileSystemOptions.RetainedIdleNodes"/>, then dropped least recently used first.
/// <see cref="ReadDirectory"/> adds no lookup reference: a host that hands listing entries to the
/// kernel as readdirplus entries must call <see cref="Lookup"/> for each entry it hands over.</para>
/// <para>Everything inside a save or tag is <see cref="NodeAttributes.Immutable"/>; the root, ref
/// folders, branches and <c>latest</c> follow the refs, re-read when older than
/// <see cref="RepoFileSystemOptions.RefreshInterval"/>.</para>
/// <para>Damaged or missing objects fail only the requests that need them, with
/// <see cref="FsError.Io"/> (see <see cref="FsErrors.FromException"/>).</para>
/// <para>The repository stays owned by the caller; <see cref="Dispose"/> frees the cache only.</para>
/// </remarks>
public sealed class RepoFileSystem : IFileSystem, IDisposable
{
    private const uint BlockSize = 4096;
    private const uint MaxNameLength = 255;
    private readonly RepoContext _context;
    private readonly NodeTable _nodes;
    private readonly PathResolver _resolver;

    /// <summary>Shows <paramref name="repository"/> with <paramref name="options"/> (defaults when null).</summary>
    public RepoFileSystem(Repository repository, RepoFileSystemOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        options ??= new RepoFileSystemOptions();
        var warn = options.Warning ?? (static _ => { });
        var cache = new ObjectCache(repository.Objects, options.CacheSizeLimit);
        _context = new RepoContext(repository, cache, new RefsView(repository, options.RefreshInterval, warn), options);
        _nodes = new NodeTable(new RootDirectory(_context), options.RetainedIdleNodes);
        _resolver = new PathResolver(_nodes.Get(InodeNumbers.Root), Child);
    }

    /// <summary>The repository shown.</summary>
    public Repository Repository => _context.Repository;

    /// <inheritdoc/>
    public ulong RootNode => InodeNumbers.Root;

    /// <summary>The node table (tests, diagnostics).</summary>
    internal NodeTable Nodes => _nodes;

    /// <summary>The decoded-object cache (tests, diagnostics).</summary>
    internal ObjectCache Cache => _context.Cache;

    /// <inheritdoc/>
    public NodeAttributes Lookup(ulong parent, ReadOnlySpan<byte> name)
    {
        try
        {
            var node = Child(_nodes.Get(parent), name);
            var attributes = node.GetAttributes();
            _nodes.Register(node, addLookup: true); // only once the answer is sure, so no reference leaks
            return attributes;
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    public void Forget(ulong node, ulong count) => _nodes.Forget(node, count);

    /// <inheritdoc/>
    public NodeAttributes GetAttributes(ulong node)
    {
        try
        {
            return _nodes.Get(node).GetAttributes();
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Sorted byte-wise by name. An entry whose attributes cannot be read (a damaged subtree) is
    /// listed with default, non-immutable attributes; looking it up reports the error.
    /// </remarks>
    public IReadOnlyList<DirectoryEntry> ReadDirectory(ulong node)
    {
        try
        {
            var result = new List<DirectoryEntry>();
            foreach (var (name, child) in _nodes.Get(node).List())
            {
                var registered = _nodes.Register(child, addLookup: false);
                result.Add(new DirectoryEntry(name, ListedAttributes(registered, name)));
            }

            return result;
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    public IFileHandle Open(ulong node, OpenFlags flags)
    {
        if ((flags & ~OpenFlags.Read) != 0)
        {
            throw new FsException(FsError.ReadOnly, "the repository view is read-only");
        }

        var target = _nodes.Opened(node);
        try
        {
            return target.Open();
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            _nodes.Closed(node);
            throw FsErrors.FromException(e);
        }
        catch
        {
            _nodes.Closed(node);
            throw;
        }
    }

    /// <inheritdoc/>
    public int Read(IFileHandle handle, Span<byte> buffer, long offset)
    {
        try
        {
            return AsRepoHandle(handle).Read(buffer, offset);
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    public void Release(IFileHandle handle)
    {
        _nodes.Closed(AsRepoHandle(handle).Node);
    }

    /// <inheritdoc/>
    public byte[] ReadLink(ulong node)
    {
        try
        {
            return _nodes.Get(node).ReadLink();
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> ListExtendedAttributes(ulong node)
    {
        try
        {
            var target = _nodes.Get(node);
            return ExtendedAttributes.Of(target.Metadata, target.Kind).ConvertAll(static a => (byte[])a.Name.Clone());
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    public byte[] GetExtendedAttribute(ulong node, ReadOnlySpan<byte> name)
    {
        try
        {
            var target = _nodes.Get(node);
            foreach (var attribute in ExtendedAttributes.Of(target.Metadata, target.Kind))
            {
                if (attribute.Name.AsSpan().SequenceEqual(name))
                {
                    return (byte[])attribute.Value.Clone();
                }
            }

            throw new FsException(FsError.NoAttribute);
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Block size 4096; total = bytes of all packs; nothing free; names up to 255 bytes.</remarks>
    public FsStatistics GetStatistics()
    {
        long bytes = 0;
        try
        {
            foreach (var pack in new DirectoryInfo(_context.Repository.PackDir).EnumerateFiles("*.pack"))
            {
                bytes += pack.Length;
            }
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            _context.Warn($"statfs: {e.Message}");
        }

        return new FsStatistics
        {
            BlockSize = BlockSize,
            TotalBlocks = (ulong)((bytes + BlockSize - 1) / BlockSize),
            MaxNameLength = MaxNameLength,
        };
    }

    /// <summary>
    /// Resolves a path of the view as <c>bup ls</c> and <c>bup cat-file</c> do: from the root,
    /// ".." allowed, symlinks followed in the middle (<c>/b/latest/etc</c>) but not at the end
    /// (lstat semantics) unless the path ends with '/'. The node stays addressable by the returned
    /// inode number as an idle node (see the class remarks); no lookup reference is taken.
    /// </summary>
    /// <exception cref="FsException">NotFound, NotDirectory, Loop (symlink loop), Io.</exception>
    public NodeAttributes Resolve(ReadOnlySpan<byte> path) => Resolve(path, followFinalSymlink: false);

    /// <summary>
    /// As <see cref="Resolve(ReadOnlySpan{byte})"/>, but with <paramref name="followFinalSymlink"/> a
    /// final symlink is followed too (stat rather than lstat semantics; bup's resolve(follow=True)).
    /// </summary>
    /// <exception cref="FsException">NotFound, NotDirectory, Loop (symlink loop), Io.</exception>
    public NodeAttributes Resolve(ReadOnlySpan<byte> path, bool followFinalSymlink)
    {
        try
        {
            return _resolver.Resolve(path, followFinalSymlink).GetAttributes();
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <summary>
    /// As <see cref="Resolve(ReadOnlySpan{byte}, bool)"/>, but takes one lookup reference on the node,
    /// so it stays addressable however many nodes are resolved or listed afterwards (a restore walks
    /// whole saves from it). Return the reference with <see cref="Forget"/>.
    /// </summary>
    /// <exception cref="FsException">NotFound, NotDirectory, Loop (symlink loop), Io.</exception>
    public NodeAttributes ResolveAndLookup(ReadOnlySpan<byte> path, bool followFinalSymlink)
    {
        try
        {
            var node = _resolver.Resolve(path, followFinalSymlink);
            var attributes = node.GetAttributes();
            _nodes.Register(node, addLookup: true); // only once the answer is sure, as in Lookup
            return attributes;
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <summary>
    /// A copy of the full bup metadata record behind a node (what <c>bup restore</c> applies): for
    /// entries of a save their .bupm record or bup's default for the git mode; for directories and
    /// saves the directory's own record. Null for the root, ref folders, branches and <c>latest</c>,
    /// and for directories whose tree has no .bupm. Entries of one hardlink group share one node,
    /// hence one record. A symlink's target may be absent from the record (see <see cref="ReadLink"/>).
    /// </summary>
    /// <exception cref="FsException">NotFound (node not held), Io.</exception>
    public BupMetadata? GetMetadata(ulong node)
    {
        try
        {
            return _nodes.Get(node).Metadata?.Clone();
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <summary>Opens a file node as a read-only, seekable stream (for <c>cat-file</c>); disposing it releases the handle.</summary>
    /// <exception cref="FsException">IsDirectory, InvalidArgument (not a regular file), NotFound, Io.</exception>
    public Stream OpenRead(ulong node) => new RepoReadStream(this, (RepoFileHandle)Open(node, OpenFlags.Read));

    /// <summary>
    /// The git object behind a node — the tree of a directory or save, the blob or chunk tree of a
    /// file, the blob of a symlink — or null for the root, ref folders, branches and <c>latest</c>.
    /// </summary>
    public ObjectId? GetObjectId(ulong node) => _nodes.Get(node).ObjectId;

    /// <summary>The commit of a save or tagged commit, or a branch's tip; null for other nodes.</summary>
    public ObjectId? GetCommitId(ulong node)
    {
        try
        {
            return _nodes.Get(node).CommitId;
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            throw FsErrors.FromException(e);
        }
    }

    /// <summary>Frees the cache. The repository is not disposed.</summary>
    public void Dispose() => _context.Cache.Dispose();

    private RepoNode Child(RepoNode parent, ReadOnlySpan<byte> name)
    {
        // A name no entry can have is ENAMETOOLONG, as lstat(2) says on Linux filesystems, not ENOENT.
        var child = parent.Find(name) ?? throw (name.Length > MaxNameLength
            ? new FsException(FsError.NameTooLong, $"a name of {name.Length} bytes (at most {MaxNameLength})")
            : new FsException(FsError.NotFound, $"no entry '{NameText.Display(name)}'"));
        return _nodes.Register(child, addLookup: false);
    }

    // A damaged save or subtree stays in its parent's listing (so nothing vanishes without a word);
    // using it fails.
    private NodeAttributes ListedAttributes(RepoNode node, byte[] name)
    {
        try
        {
            return node.GetAttributes();
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e) || e is FsException { Error: FsError.Io })
        {
            _context.Warn($"'{NameText.Display(name)}' is listed but cannot be read: {FsErrors.FromException(e).Message}");
            var mode = MetadataAttributes.TypeBits(node.Kind) | (node.Kind == NodeKind.File ? 0x1A4u : 0x1EDu);
            return MetadataAttributes.Synthetic(node.Kind, mode, 0, node.Inode, 1, FsTime.Epoch, immutable: false);
        }
    }

    private static RepoFileHandle AsRepoHandle(IFileHandle handle) =>
        handle as RepoFileHandle ?? throw new FsException(FsError.BadHandle, "not a handle of this filesystem");
}
