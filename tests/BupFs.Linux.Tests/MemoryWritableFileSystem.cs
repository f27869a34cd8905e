namespace BupFs.Linux.Tests;

/// <summary>
/// A small writable in-memory filesystem for the write-path mount tests: a dictionary of nodes
/// behind one lock, POSIX-like answers for names, types and emptiness (permission checks are the
/// kernel's, as the contract says). Nodes are never dropped; lookup references are counted so
/// tests can check that every created entry is one lookup. It records what the host passed in
/// (callers, flushes, syncs) so tests can see requests the kernel does not show otherwise.
/// </summary>
internal sealed class MemoryWritableFileSystem : IWritableFileSystem
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, MemoryNode> _nodes = [];
    private readonly Dictionary<ulong, long> _references = [];
    private ulong _nextId = 2;
    private int _flushes, _syncs, _dataSyncs, _opens, _releases, _truncatingOpens, _handleSetAttributes;

    public MemoryWritableFileSystem()
    {
        Root = new MemoryNode { Id = 1, Kind = NodeKind.Directory, Permissions = 0x1ED, Names = 1 };
        Root.AccessTime = Root.ModifyTime = Root.ChangeTime = Now();
        _nodes.Add(1, Root);
    }

    public MemoryNode Root { get; }

    public ulong RootNode => 1;

    /// <summary>The caller of the latest create/mkdir/mknod/symlink.</summary>
    public FsCaller LastCaller { get; private set; }

    public int Flushes => Volatile.Read(ref _flushes);

    public int Syncs => Volatile.Read(ref _syncs);

    public int DataSyncs => Volatile.Read(ref _dataSyncs);

    public int Opens => Volatile.Read(ref _opens);

    public int Releases => Volatile.Read(ref _releases);

    /// <summary>Opens that asked for O_TRUNC (none when the host leaves ATOMIC_O_TRUNC off).</summary>
    public int TruncatingOpens => Volatile.Read(ref _truncatingOpens);

    /// <summary>SetAttributes calls that named an open handle (ftruncate, O_TRUNC).</summary>
    public int HandleSetAttributes => Volatile.Read(ref _handleSetAttributes);

    /// <summary>Lookup references the host holds on <paramref name="node"/> (lookups and creations minus forgets).</summary>
    public long References(ulong node)
    {
        lock (_gate)
        {
            return _references.GetValueOrDefault(node);
        }
    }

    /// <summary>Runs <paramref name="change"/> under the lock: a change made behind the kernel's back.</summary>
    public void Change(Action<MemoryNode> change)
    {
        lock (_gate)
        {
            change(Root);
        }
    }

    public NodeAttributes Lookup(ulong parent, ReadOnlySpan<byte> name)
    {
        lock (_gate)
        {
            MemoryNode child = Directory(parent).Child(name) ?? throw new FsException(FsError.NotFound);
            return Referenced(child);
        }
    }

    public void Forget(ulong node, ulong count)
    {
        lock (_gate)
        {
            _references[node] = _references.GetValueOrDefault(node) - (long)count;
        }
    }

    public NodeAttributes GetAttributes(ulong node)
    {
        lock (_gate)
        {
            return Get(node).Attributes;
        }
    }

    public IReadOnlyList<DirectoryEntry> ReadDirectory(ulong node)
    {
        lock (_gate)
        {
            return Directory(node).Children.Select(child => new DirectoryEntry(child.Name, child.Node.Attributes)).ToList();
        }
    }

    public IFileHandle Open(ulong node, OpenFlags flags)
    {
        lock (_gate)
        {
            MemoryNode file = Get(node);
            if (file.Kind == NodeKind.Directory)
            {
                throw new FsException(FsError.IsDirectory);
            }

            if ((flags & OpenFlags.Truncate) != 0)
            {
                Interlocked.Increment(ref _truncatingOpens);
                Truncate(file, 0);
            }

            Interlocked.Increment(ref _opens);
            return new MemoryHandle(file, flags);
        }
    }

    public int Read(IFileHandle handle, Span<byte> buffer, long offset)
    {
        lock (_gate)
        {
            MemoryNode file = ((MemoryHandle)handle).File;
            int count = (int)Math.Clamp(file.Length - offset, 0, buffer.Length);
            file.Data.AsSpan((int)offset, count).CopyTo(buffer);
            return count;
        }
    }

    public void Release(IFileHandle handle) => Interlocked.Increment(ref _releases);

    public byte[] ReadLink(ulong node)
    {
        lock (_gate)
        {
            return Get(node).Target ?? throw new FsException(FsError.InvalidArgument, "not a symlink");
        }
    }

    public IReadOnlyList<byte[]> ListExtendedAttributes(ulong node)
    {
        lock (_gate)
        {
            return Get(node).ExtendedAttributes.Select(attribute => attribute.Name).ToList();
        }
    }

    public byte[] GetExtendedAttribute(ulong node, ReadOnlySpan<byte> name)
    {
        lock (_gate)
        {
            int index = XattrIndex(Get(node), name);
            return index >= 0 ? Get(node).ExtendedAttributes[index].Value : throw new FsException(FsError.NoAttribute);
        }
    }

    public FsStatistics GetStatistics() => new() { BlockSize = 4096, TotalBlocks = 1 << 20, FreeBlocks = 1 << 19, MaxNameLength = 255 };

    public CreatedFile Create(ulong parent, ReadOnlySpan<byte> name, uint permissions, OpenFlags flags, in FsCaller caller)
    {
        lock (_gate)
        {
            MemoryNode file = AddNew(parent, name, NodeKind.File, permissions, caller);
            Interlocked.Increment(ref _opens);
            return new CreatedFile(Referenced(file), new MemoryHandle(file, flags));
        }
    }

    public NodeAttributes MakeDirectory(ulong parent, ReadOnlySpan<byte> name, uint permissions, in FsCaller caller)
    {
        lock (_gate)
        {
            return Referenced(AddNew(parent, name, NodeKind.Directory, permissions, caller));
        }
    }

    public NodeAttributes MakeNode(ulong parent, ReadOnlySpan<byte> name, NodeKind kind, uint permissions, ulong rawDevice, in FsCaller caller)
    {
        lock (_gate)
        {
            return Referenced(AddNew(parent, name, kind, permissions, caller, rawDevice: rawDevice));
        }
    }

    public NodeAttributes MakeSymlink(ulong parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, in FsCaller caller)
    {
        lock (_gate)
        {
            return Referenced(AddNew(parent, name, NodeKind.Symlink, 0x1FF, caller, target.ToArray()));
        }
    }

    public NodeAttributes Link(ulong node, ulong newParent, ReadOnlySpan<byte> newName)
    {
        lock (_gate)
        {
            MemoryNode target = Get(node);
            if (target.Kind == NodeKind.Directory)
            {
                throw new FsException(FsError.NotPermitted, "hard link to a directory");
            }

            AddName(Directory(newParent), newName, target);
            target.ChangeTime = Now();
            return Referenced(target);
        }
    }

    public void Unlink(ulong parent, ReadOnlySpan<byte> name)
    {
        lock (_gate)
        {
            MemoryNode directory = Directory(parent);
            MemoryNode child = directory.Child(name) ?? throw new FsException(FsError.NotFound);
            if (child.Kind == NodeKind.Directory)
            {
                throw new FsException(FsError.IsDirectory);
            }

            RemoveName(directory, name);
        }
    }

    public void RemoveDirectory(ulong parent, ReadOnlySpan<byte> name)
    {
        lock (_gate)
        {
            MemoryNode directory = Directory(parent);
            MemoryNode child = directory.Child(name) ?? throw new FsException(FsError.NotFound);
            if (child.Kind != NodeKind.Directory)
            {
                throw new FsException(FsError.NotDirectory);
            }

            if (child.Children.Count > 0)
            {
                throw new FsException(FsError.NotEmpty);
            }

            RemoveName(directory, name);
        }
    }

    public void Rename(ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, RenameFlags flags)
    {
        lock (_gate)
        {
            MemoryNode from = Directory(parent), to = Directory(newParent);
            MemoryNode source = from.Child(name) ?? throw new FsException(FsError.NotFound);
            MemoryNode? existing = to.Child(newName);
            if (flags == RenameFlags.Exchange)
            {
                Exchange(from, name, to, newName, existing ?? throw new FsException(FsError.NotFound));
                return;
            }

            if (existing is not null)
            {
                CheckReplaceable(source, existing, flags);
                if (ReferenceEquals(existing, source))
                {
                    return; // two names of one node: POSIX says do nothing
                }

                RemoveName(to, newName);
            }

            int index = from.IndexOf(name);
            from.Children.RemoveAt(index);
            to.Children.Add((newName.ToArray(), source));
            from.ModifyTime = from.ChangeTime = to.ModifyTime = to.ChangeTime = source.ChangeTime = Now();
        }
    }

    public NodeAttributes SetAttributes(ulong node, IFileHandle? handle, in AttributeChanges changes)
    {
        lock (_gate)
        {
            MemoryNode target = handle is MemoryHandle open ? open.File : Get(node);
            if (handle is not null)
            {
                Interlocked.Increment(ref _handleSetAttributes);
            }

            if (changes.Size is { } size)
            {
                if (target.Kind != NodeKind.File)
                {
                    throw new FsException(target.Kind == NodeKind.Directory ? FsError.IsDirectory : FsError.InvalidArgument);
                }

                Truncate(target, size);
            }

            ApplyOwnership(target, changes);
            target.AccessTime = Resolve(changes.AccessTime, target.AccessTime);
            target.ModifyTime = Resolve(changes.ModifyTime, target.ModifyTime);
            target.ChangeTime = Now();
            return target.Attributes;
        }
    }

    public int Write(IFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        lock (_gate)
        {
            var open = (MemoryHandle)handle;
            MemoryNode file = open.File;
            long at = (open.Flags & OpenFlags.Append) != 0 ? file.Length : offset;
            if (at + data.Length > file.Length)
            {
                file.Resize(at + data.Length);
            }

            data.CopyTo(file.Data.AsSpan((int)at));
            file.ModifyTime = file.ChangeTime = Now();
            return data.Length;
        }
    }

    public void Flush(IFileHandle handle) => Interlocked.Increment(ref _flushes);

    public void Sync(ulong node, IFileHandle? handle, bool dataOnly)
    {
        GetAttributes(node); // it must exist
        Interlocked.Increment(ref dataOnly ? ref _dataSyncs : ref _syncs);
    }

    public void SetExtendedAttribute(ulong node, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, XattrSetMode mode)
    {
        lock (_gate)
        {
            MemoryNode target = Get(node);
            int index = XattrIndex(target, name);
            if (index >= 0 && mode == XattrSetMode.CreateOnly)
            {
                throw new FsException(FsError.Exists);
            }

            if (index < 0 && mode == XattrSetMode.ReplaceOnly)
            {
                throw new FsException(FsError.NoAttribute);
            }

            if (index >= 0)
            {
                target.ExtendedAttributes[index] = (target.ExtendedAttributes[index].Name, value.ToArray());
            }
            else
            {
                target.ExtendedAttributes.Add((name.ToArray(), value.ToArray()));
            }

            target.ChangeTime = Now();
        }
    }

    public void RemoveExtendedAttribute(ulong node, ReadOnlySpan<byte> name)
    {
        lock (_gate)
        {
            MemoryNode target = Get(node);
            int index = XattrIndex(target, name);
            if (index < 0)
            {
                throw new FsException(FsError.NoAttribute);
            }

            target.ExtendedAttributes.RemoveAt(index);
            target.ChangeTime = Now();
        }
    }

    private MemoryNode AddNew(
        ulong parent, ReadOnlySpan<byte> name, NodeKind kind, uint permissions, in FsCaller caller,
        byte[]? target = null, ulong rawDevice = 0)
    {
        MemoryNode directory = Directory(parent);
        LastCaller = caller;
        var node = new MemoryNode
        {
            Id = _nextId++, Kind = kind, Target = target, RawDevice = rawDevice,
            Permissions = permissions & ~caller.Umask & 0xFFF, Uid = caller.Uid, Gid = caller.Gid,
        };
        node.AccessTime = node.ModifyTime = node.ChangeTime = Now();
        AddName(directory, name, node);
        _nodes.Add(node.Id, node);
        return node;
    }

    private static void AddName(MemoryNode directory, ReadOnlySpan<byte> name, MemoryNode node)
    {
        if (name.Length > 255)
        {
            throw new FsException(FsError.NameTooLong);
        }

        if (directory.Child(name) is not null)
        {
            throw new FsException(FsError.Exists);
        }

        directory.Children.Add((name.ToArray(), node));
        node.Names++;
        directory.ModifyTime = directory.ChangeTime = Now();
    }

    private static void RemoveName(MemoryNode directory, ReadOnlySpan<byte> name)
    {
        int index = directory.IndexOf(name);
        MemoryNode node = directory.Children[index].Node;
        directory.Children.RemoveAt(index);
        node.Names--;
        directory.ModifyTime = directory.ChangeTime = node.ChangeTime = Now();
    }

    private static void Exchange(MemoryNode from, ReadOnlySpan<byte> name, MemoryNode to, ReadOnlySpan<byte> newName, MemoryNode other)
    {
        int sourceIndex = from.IndexOf(name), targetIndex = to.IndexOf(newName);
        MemoryNode source = from.Children[sourceIndex].Node;
        from.Children[sourceIndex] = (from.Children[sourceIndex].Name, other);
        to.Children[targetIndex] = (to.Children[targetIndex].Name, source);
        from.ChangeTime = to.ChangeTime = source.ChangeTime = other.ChangeTime = Now();
    }

    /// <summary>rename(2)'s rules for an existing target.</summary>
    private static void CheckReplaceable(MemoryNode source, MemoryNode existing, RenameFlags flags)
    {
        if (flags == RenameFlags.NoReplace)
        {
            throw new FsException(FsError.Exists);
        }

        bool sourceIsDirectory = source.Kind == NodeKind.Directory, targetIsDirectory = existing.Kind == NodeKind.Directory;
        if (targetIsDirectory && !sourceIsDirectory)
        {
            throw new FsException(FsError.IsDirectory);
        }

        if (sourceIsDirectory && !targetIsDirectory)
        {
            throw new FsException(FsError.NotDirectory);
        }

        if (targetIsDirectory && existing.Children.Count > 0)
        {
            throw new FsException(FsError.NotEmpty);
        }
    }

    private static void ApplyOwnership(MemoryNode target, in AttributeChanges changes)
    {
        if (changes.Permissions is { } permissions)
        {
            target.Permissions = permissions & 0xFFF;
        }

        target.Uid = changes.Uid ?? target.Uid;
        target.Gid = changes.Gid ?? target.Gid;
    }

    private static void Truncate(MemoryNode file, long size)
    {
        if (size > int.MaxValue / 2)
        {
            throw new FsException(FsError.FileTooLarge);
        }

        file.Resize(size);
        file.ModifyTime = file.ChangeTime = Now();
    }

    private static FsTime Resolve(TimeChange? change, FsTime current) => change switch
    {
        null => current,
        { Now: true } => Now(),
        { } value => value.Value,
    };

    private static int XattrIndex(MemoryNode node, ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < node.ExtendedAttributes.Count; i++)
        {
            if (node.ExtendedAttributes[i].Name.AsSpan().SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    private static FsTime Now()
    {
        long ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
        return new FsTime(ticks / TimeSpan.TicksPerSecond, (uint)(ticks % TimeSpan.TicksPerSecond * 100));
    }

    private NodeAttributes Referenced(MemoryNode node)
    {
        _references[node.Id] = _references.GetValueOrDefault(node.Id) + 1;
        return node.Attributes;
    }

    private MemoryNode Get(ulong node) =>
        _nodes.TryGetValue(node, out MemoryNode? found) ? found : throw new FsException(FsError.NotFound, $"unknown node {node}");

    private MemoryNode Directory(ulong node)
    {
        MemoryNode found = Get(node);
        return found.Kind == NodeKind.Directory ? found : throw new FsException(FsError.NotDirectory);
    }

    private sealed class MemoryHandle(MemoryNode file, OpenFlags flags) : IFileHandle
    {
        public MemoryNode File { get; } = file;

        public OpenFlags Flags { get; } = flags;

        public ulong Node => File.Id;

        public bool Immutable => false;
    }
}
