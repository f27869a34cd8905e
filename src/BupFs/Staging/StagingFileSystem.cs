// The writable staging tree behind `bupfs mount --staging` (docs/formats/staging.md): a save of
// one branch, copied up directory by directory into the staging database as it is reached, with
// written content in spool files. `bupfs commit` turns it into a new save (StagingCommitter).
//
// Concurrency and lock order: one namespace lock (_gate) guards the database, the lookup counts
// and the open-file table; content I/O (pread/pwrite on spool files, base reads) runs outside it.
// Lock order: _gate, then an OpenFile's SizeGate. Nothing else is held while calling out.
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Staging;

/// <summary>A staged tree as a writable filesystem.</summary>
public sealed partial class StagingFileSystem : IWritableFileSystem, IDisposable
{
    private const string BaseCommitKey = "base_commit";
    private const string BranchKey = "branch";

    private readonly Lock _gate = new();
    private readonly StagingArea _area;
    private readonly BaseSave _base;
    private readonly StagingTree _tree;
    private readonly StagingOptions _options;
    private readonly Dictionary<ulong, ulong> _lookups = [];
    private readonly Dictionary<ulong, OpenFile> _open = [];
    private readonly Dictionary<ulong, long> _generations = [];
    private readonly Dictionary<ulong, List<StagedFileHandle>> _baseReaders = [];
    private readonly ContentSplitter _splitter;
    private long _lastGeneration;
    private bool _disposed;

    private StagingFileSystem(Repository repository, StagingArea area, StagingOptions options)
    {
        _area = area;
        _options = options;
        _base = new BaseSave(repository, options.CacheSizeLimit);
        _tree = new StagingTree(area.Database, _base, Warn);
        _splitter = new ContentSplitter(repository, area.SpoolPath, StoreSplits, Warn);
    }

    /// <summary>The staging area shown.</summary>
    public StagingArea Area => _area;

    /// <summary>The repository.</summary>
    public Repository Repository => _base.Repository;

    /// <summary>The commit the staged changes apply to (null for a branch without saves).</summary>
    public ObjectId? BaseCommit
    {
        get
        {
            lock (_gate)
            {
                return ReadBaseCommit();
            }
        }
    }

    /// <inheritdoc/>
    public ulong RootNode => InodeNumbers.Root;

    /// <summary>
    /// Drops the staged changes at and below <paramref name="path"/> (relative, '/'-separated):
    /// afterwards it is as in the base save (or absent, when the base save has no such path).
    /// </summary>
    /// <exception cref="StagingException">The path's directory is not in the staged tree.</exception>
    public void Reset(byte[] path) => Locked(() => _tree.Database.InTransaction(() =>
    {
        var parts = path.AsSpan().Split((byte)'/');
        var names = new List<byte[]>();
        foreach (var range in parts)
        {
            if (!path.AsSpan(range).IsEmpty)
            {
                names.Add(path.AsSpan(range).ToArray());
            }
        }

        var resync = new TreeResync(_tree, _base, IsOpenForWriting, DropIfUnused);
        var baseCommit = ReadBaseCommit();
        ObjectId? baseTree = baseCommit is { } c ? CommitTree(c) : null;
        if (names.Count == 0)
        {
            if (baseTree is { } rootTree)
            {
                resync.Directory(_tree.Get(InodeNumbers.Root), rootTree, []);
            }

            return;
        }

        ResetEntry(resync, names, baseTree);
    }));

    /// <summary>What the next commit would change.</summary>
    public StagingStatus Status() => Locked(() => StagingStatus.Compute(_tree, _base));

    /// <summary>
    /// Opens the staging tree of <paramref name="area"/>. A new area starts from
    /// <paramref name="startCommit"/> (null: empty); an existing one keeps its base and changes,
    /// and finishes what a crash interrupted (unlinked nodes nobody holds, spool sizes).
    /// </summary>
    public static StagingFileSystem Open(Repository repository, StagingArea area, ObjectId? startCommit, StagingOptions? options = null)
    {
        var fs = new StagingFileSystem(repository, area, options ?? new StagingOptions());
        try
        {
            fs.Initialize(startCommit);
            return fs;
        }
        catch
        {
            fs.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public NodeAttributes Lookup(ulong parent, ReadOnlySpan<byte> name)
    {
        var copy = name.ToArray();
        return Locked(() =>
        {
            var directory = _tree.Directory(parent);
            var child = _tree.Find(directory, copy) ?? throw new FsException(copy.Length > StagingTree.MaxNameBytes ? FsError.NameTooLong : FsError.NotFound);
            var attributes = AttributesOf(child);
            AddLookup(child.Inode);
            return attributes;
        });
    }

    /// <inheritdoc/>
    public void Forget(ulong node, ulong count)
    {
        lock (_gate)
        {
            if (!_lookups.TryGetValue(node, out var held))
            {
                return;
            }

            if (held > count)
            {
                _lookups[node] = held - count;
                return;
            }

            _lookups.Remove(node);
            Guarded(() => DropIfUnused(node));
        }
    }

    /// <inheritdoc/>
    public NodeAttributes GetAttributes(ulong node) => Locked(() => AttributesOf(_tree.Get(node)));

    /// <inheritdoc/>
    public IReadOnlyList<DirectoryEntry> ReadDirectory(ulong node) => Locked(() =>
    {
        var directory = _tree.Directory(node);
        var entries = _tree.Database.List(directory.Inode);
        var result = new List<DirectoryEntry>(entries.Count);
        foreach (var (name, inode) in entries)
        {
            result.Add(new DirectoryEntry(name, AttributesOf(_tree.Get(inode))));
        }

        return (IReadOnlyList<DirectoryEntry>)result;
    });

    /// <inheritdoc/>
    public byte[] ReadLink(ulong node) => Locked(() =>
    {
        var link = _tree.Get(node);
        if (link.Kind != NodeKind.Symlink)
        {
            throw new FsException(FsError.InvalidArgument);
        }

        return _tree.MetadataOf(link).SymlinkTarget ?? (link.BaseId is { } id ? _base.Cache.GetBlob(id) : []);
    });

    /// <inheritdoc/>
    public FsStatistics GetStatistics()
    {
        var drive = new DriveInfo(_area.Directory);
        const uint blockSize = 4096;
        return new FsStatistics
        {
            BlockSize = blockSize,
            TotalBlocks = (ulong)drive.TotalSize / blockSize,
            FreeBlocks = (ulong)drive.AvailableFreeSpace / blockSize,
            MaxNameLength = StagingTree.MaxNameBytes,
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return; // the host disposes what it served, and so does the session that opened it
            }

            _disposed = true;
        }

        _splitter.Dispose(); // outside the lock: its last publish takes it
        lock (_gate)
        {
            foreach (var file in _open.Values)
            {
                StoreSize(file);
                file.Spool.Dispose();
            }

            _open.Clear();
        }

        _base.Dispose();
    }

    internal StagingTree Tree => _tree;

    internal Lock Gate => _gate;

    /// <summary>Inodes of files open for writing right now (the committer leaves their open content out).</summary>
    internal bool IsOpenForWriting(ulong inode) => _open.TryGetValue(inode, out var file) && file.Writers > 0;

    /// <summary>Waits for the background splitter (call without holding <see cref="Gate"/>).</summary>
    internal void FlushSplits() => _splitter.Flush();

    internal ObjectId? ReadBaseCommit() =>
        _tree.Database.GetMeta(BaseCommitKey) is { Length: ObjectId.Size } raw ? ObjectId.FromBytes(raw) : null;

    internal void WriteBaseCommit(ObjectId commit) => _tree.Database.SetMeta(BaseCommitKey, commit.ToArray());

    private void Initialize(ObjectId? startCommit)
    {
        _area.EnsureReserve();
        lock (_gate)
        {
            if (_tree.Database.GetNode(InodeNumbers.Root) is null)
            {
                CreateRoot(startCommit);
            }
            else
            {
                Recover();
            }
        }
    }

    private void CreateRoot(ObjectId? startCommit)
    {
        ObjectId? tree = startCommit is { } commit ? _base.Cache.GetCommit(commit).Tree : null;
        _tree.Database.InTransaction(() =>
        {
            _tree.Database.SetMeta(BranchKey, System.Text.Encoding.UTF8.GetBytes(_area.Branch));
            _tree.Database.SetMeta(BaseCommitKey, startCommit?.ToArray() ?? []);
            _tree.Put(new StagedNode
            {
                Inode = InodeNumbers.Root,
                Kind = NodeKind.Directory,
                Metadata = tree is null ? MetadataDefaults.Directory() : null,
                LinkCount = 1,
                BaseMode = tree is null ? GitFileMode.None : GitFileMode.Tree,
                BaseId = tree,
                State = tree is null ? NodeState.Listed : NodeState.Base,
                Dirty = tree is null,
                Origin = [],
            });
        });
    }

    // After a crash: nodes without names were held only by the dead process; spooled files' sizes
    // are their spool files' lengths (written before any reply, stored only at close).
    private void Recover()
    {
        var db = _tree.Database;
        db.InTransaction(() =>
        {
            foreach (var inode in db.Orphans())
            {
                DeleteSpool(inode);
                db.DeleteNode(inode);
            }

            foreach (var node in db.Spooled())
            {
                var length = new FileInfo(_area.SpoolPath(node.Inode)) is { Exists: true } info ? info.Length : 0;
                if (length != node.Size)
                {
                    node.Size = length;
                    node.SplitId = null;
                    _tree.Put(node);
                }

                if (node.SplitId is null)
                {
                    _splitter.Enqueue(node.Inode, Generation(node.Inode)); // closed before the crash: finish its split
                }
            }
        });
    }

    private void ResetEntry(TreeResync resync, List<byte[]> names, ObjectId? baseTree)
    {
        var directory = _tree.Directory(InodeNumbers.Root);
        var baseDirectory = baseTree;
        for (int i = 0; i < names.Count - 1; i++)
        {
            var next = _tree.Find(directory, names[i]);
            if (next is not { Kind: NodeKind.Directory })
            {
                throw new StagingException($"{Display(names, i + 1)} is not a directory of the staged tree; reset it instead");
            }

            directory = _tree.Directory(next.Inode);
            baseDirectory = baseDirectory is { } t && _base.LoadListing(t, []).Find(names[i]) is { Kind: NodeKind.Directory } entry ? entry.Entry.Id : null;
        }

        var name = names[^1];
        var original = baseDirectory is { } parentTree ? _base.LoadListing(parentTree, []).Find(name) : null;
        var current = _tree.Find(directory, name);
        var origin = names.SelectMany((n, k) => k == 0 ? n : [(byte)'/', .. n]).ToArray();
        if (current is { Kind: NodeKind.Directory } && original is { Kind: NodeKind.Directory })
        {
            resync.Directory(current, original.Entry.Id, origin);
            return;
        }

        if (current is not null)
        {
            resync.Remove(directory, name, current);
        }

        if (original is not null)
        {
            _tree.AddBaseEntry(directory, original);
        }

        _tree.Touch(directory);
    }

    private static string Display(List<byte[]> names, int count) => string.Join('/', names.Take(count).Select(n => NameText.Display(n)));

    private NodeAttributes AttributesOf(StagedNode node)
    {
        var metadata = _tree.MetadataOf(node);
        var size = node.Kind switch
        {
            NodeKind.File => _open.TryGetValue(node.Inode, out var file) ? file.Size : _tree.SizeOf(node),
            NodeKind.Symlink => metadata.SymlinkTarget?.Length ?? _tree.SizeOf(node),
            _ => 0,
        };
        var links = node.Kind == NodeKind.Directory ? 1u : node.LinkCount; // 1: "unknown", so find does not count subdirectories
        return MetadataAttributes.From(metadata, node.Kind, size, node.Inode, links) with { Immutable = false };
    }

    // The content of a spooled file is about to change: a split of an older generation no longer counts.
    private void InvalidateSplit(StagedNode node)
    {
        _generations[node.Inode] = ++_lastGeneration;
        if (node.SplitId is not null)
        {
            node.SplitId = null;
            node.SplitMode = GitFileMode.None;
            _tree.Put(node);
        }
    }

    private long Generation(ulong inode) => _generations.TryGetValue(inode, out var generation) ? generation : 0;

    // Called by the splitter once a pack is published: results of content that has not changed since count.
    private void StoreSplits(IReadOnlyList<SplitContent> results) => Locked(() => _tree.Database.InTransaction(() =>
    {
        foreach (var result in results)
        {
            if (Generation(result.Inode) != result.Generation || IsOpenForWriting(result.Inode)
                || _tree.Database.GetNode(result.Inode) is not { State: NodeState.Spooled } node || node.Size != result.Size)
            {
                continue;
            }

            node.SplitMode = result.Mode;
            node.SplitId = result.Id;
            _tree.Put(node);
            _generations.Remove(result.Inode); // the next change starts a new generation; memory stays bounded by what is in flight
        }
    }));

    private void AddLookup(ulong inode) =>
        _lookups[inode] = _lookups.TryGetValue(inode, out var held) ? held + 1 : 1;

    // A node without names goes once the kernel forgot it and nobody has it open.
    private void DropIfUnused(ulong inode)
    {
        if (inode == InodeNumbers.Root || _lookups.ContainsKey(inode) || _open.ContainsKey(inode))
        {
            return;
        }

        if (_tree.Database.GetNode(inode) is { LinkCount: 0 })
        {
            _tree.Drop(inode);
            DeleteSpool(inode);
        }
    }

    internal BaseSave Base => _base;

    /// <summary>The tree of commit <paramref name="commit"/>.</summary>
    internal ObjectId CommitTree(ObjectId commit) => _base.Cache.GetCommit(commit).Tree;

    /// <summary>A node lost its last name outside a request (resync): drop it once nothing holds it.</summary>
    internal void Unlinked(ulong inode) => DropIfUnused(inode);

    /// <summary>The length of base content <paramref name="id"/>.</summary>
    internal long BaseLength(GitFileMode mode, ObjectId id) => _base.OpenContent(mode, id).Length;

    /// <summary>Drops the spool file of content a commit stored (unless a handle still reads it).</summary>
    internal void DeleteSpoolAfterCommit(ulong inode)
    {
        if (!_open.ContainsKey(inode))
        {
            DeleteSpool(inode);
        }
    }

    private void DeleteSpool(ulong inode)
    {
        try
        {
            File.Delete(_area.SpoolPath(inode));
            _area.EnsureReserve(); // space was freed: take the reserve back if it went
        }
        catch (IOException e)
        {
            Warn($"staging: cannot delete spool file of node {inode}: {e.Message}");
        }
    }

    private void Warn(string message) => _options.Warning?.Invoke(message);

    private T Locked<T>(Func<T> body)
    {
        lock (_gate)
        {
            try
            {
                return Guarded(body);
            }
            catch (FsException e) when (e.Error == FsError.NoSpace && _area.ReleaseReserve())
            {
                return Guarded(body); // the transaction rolled back; with the reserve's room it may free space
            }
        }
    }

    private void Locked(Action body) => Locked(() =>
    {
        body();
        return 0;
    });

    private static T Guarded<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is not FsException && StagingErrors.IsTranslatable(e))
        {
            throw StagingErrors.FromException(e);
        }
    }

    private static void Guarded(Action body) => Guarded(() =>
    {
        body();
        return 0;
    });
}
