// File content: unchanged files read from the base save; the first open for writing copies the
// content into a spool file (data/INODE), which then holds it until commit. Writes go to the
// spool file with pwrite before the reply, so a kill -9 of the process keeps them (page cache);
// close stores size and times in the database; fsync makes both durable against a machine crash.
using BupStore.Formats;
using Microsoft.Win32.SafeHandles;

namespace BupFs.Staging;

public sealed partial class StagingFileSystem
{
    private const int CopyBufferBytes = 1 << 20;
    private const long MaxFileBytes = 1L << 46; // 64 TiB, within what every Linux filesystem takes

    // Spool files are ours alone; sharing everything keeps .NET from taking flock(2) locks on each
    // open (two lock calls per file created by tar -x, measured).
    private const FileShare SpoolShare = FileShare.ReadWrite | FileShare.Delete;

    /// <inheritdoc/>
    public CreatedFile Create(ulong parent, ReadOnlySpan<byte> name, uint permissions, OpenFlags flags, in FsCaller caller)
    {
        var copy = name.ToArray();
        var metadata = NewMetadata(NodeKind.File, permissions, caller);
        return Locked(() => _tree.Database.InTransaction(() =>
        {
            var directory = _tree.Directory(parent);
            var node = _tree.Create(directory, copy, NodeKind.File, metadata, 0);
            node.State = NodeState.Spooled;
            _tree.Put(node);
            InvalidateSplit(node);
            var file = OpenSpool(node, truncate: true);
            file.Writers += (flags & OpenFlags.Write) != 0 ? 1 : 0;
            AddLookup(node.Inode);
            return new CreatedFile(AttributesOf(node), new StagedFileHandle(node.Inode, flags, file, null));
        }));
    }

    /// <inheritdoc/>
    public IFileHandle Open(ulong node, OpenFlags flags) => Locked(() =>
    {
        var file = _tree.Get(node);
        if (file.Kind == NodeKind.Directory)
        {
            throw new FsException(FsError.IsDirectory);
        }

        if (file.Kind != NodeKind.File)
        {
            throw new FsException(FsError.InvalidArgument);
        }

        bool truncate = (flags & OpenFlags.Truncate) != 0;
        if (!truncate && file.State != NodeState.Spooled && file.BaseId is { } id)
        {
            // Base content, also for a writer: the copy-up waits for its first write, so a program
            // that opens read-write and only reads (sqlite, editors) changes nothing.
            var reader = new StagedFileHandle(node, flags, null, _base.OpenContent(file.BaseMode, id));
            RegisterBaseReader(reader);
            return (IFileHandle)reader;
        }

        if ((flags & (OpenFlags.Write | OpenFlags.Truncate)) != 0)
        {
            EnsureSpooled(file, truncate);
        }

        var open = OpenSpool(file, truncate: false);
        open.Writers += (flags & OpenFlags.Write) != 0 ? 1 : 0;
        return new StagedFileHandle(node, flags, open, null);
    });

    /// <inheritdoc/>
    public int Read(IFileHandle handle, Span<byte> buffer, long offset)
    {
        var staged = AsStaged(handle);
        try
        {
            if (staged.File is null && staged.BaseContent is { } content)
            {
                return content.Read(offset, buffer);
            }

            var file = staged.File!;
            var available = Math.Max(0, Math.Min(buffer.Length, file.Size - offset));
            return available == 0 ? 0 : RandomAccess.Read(file.Spool, buffer[..(int)available], offset);
        }
        catch (Exception e) when (StagingErrors.IsTranslatable(e))
        {
            throw StagingErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    public int Write(IFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        var staged = AsStaged(handle);
        if (!staged.Writable)
        {
            throw new FsException(FsError.BadHandle, "the handle was not opened for writing");
        }

        if (staged.File is null)
        {
            Locked(() => EnsureSpooled(_tree.Get(staged.Node), truncate: false)); // the first write copies the file up
        }

        var file = staged.File ?? throw new FsException(FsError.Io, $"staged node {staged.Node} has no spool file after its copy-up");

        try
        {
            lock (file.SizeGate)
            {
                var at = (staged.Flags & OpenFlags.Append) != 0 ? file.Size : offset;
                if (at < 0 || at + data.Length > MaxFileBytes)
                {
                    throw new FsException(at < 0 ? FsError.InvalidArgument : FsError.FileTooLarge);
                }

                RandomAccess.Write(file.Spool, data, at);
                file.Size = Math.Max(file.Size, at + data.Length);
                file.Modified = true;
            }

            return data.Length;
        }
        catch (Exception e) when (StagingErrors.IsTranslatable(e))
        {
            throw StagingErrors.FromException(e);
        }
    }

    /// <inheritdoc/>
    public void Flush(IFileHandle handle)
    {
        var staged = AsStaged(handle);
        if (staged.File is { } file)
        {
            Locked(() => StoreSize(file));
        }
    }

    /// <inheritdoc/>
    public void Release(IFileHandle handle)
    {
        var staged = AsStaged(handle);
        Locked(() =>
        {
            if (staged.File is not { } file)
            {
                UnregisterBaseReader(staged);
                return;
            }

            StoreSize(file);
            file.Writers -= staged.Writable ? 1 : 0;
            if (staged.Writable && file.Writers == 0)
            {
                _splitter.Enqueue(file.Inode, Generation(file.Inode)); // the last writer closed: store the content now
            }

            if (--file.Opens > 0)
            {
                return;
            }

            _open.Remove(file.Inode);
            file.Spool.Dispose();
            if (_tree.Database.GetNode(file.Inode) is { State: not NodeState.Spooled })
            {
                DeleteSpool(file.Inode); // committed while open for reading: the content is in the repository now
            }

            DropIfUnused(file.Inode);
        });
    }

    /// <inheritdoc/>
    public void Sync(ulong node, IFileHandle? handle, bool dataOnly)
    {
        Locked(() =>
        {
            if (_open.TryGetValue(node, out var file))
            {
                RandomAccess.FlushToDisk(file.Spool);
                StoreSize(file);
            }

            _tree.Database.Sync();
        });
    }

    /// <inheritdoc/>
    public NodeAttributes SetAttributes(ulong node, IFileHandle? handle, in AttributeChanges changes)
    {
        var change = changes;
        return Locked(() => _tree.Database.InTransaction(() =>
        {
            if (_open.TryGetValue(node, out var open))
            {
                StoreSize(open); // writes so far set the times first, so an explicit time set now wins (cp -a, tar)
            }

            if (change.Size is { } size)
            {
                Truncate(_tree.Get(node), size);
            }

            // Read after the truncate: it stored the new size (and mtime) in the row, and a copy
            // taken before it would write the old size back (a stale size after close).
            var target = _tree.Get(node);
            var metadata = StagingTree.Changed(_tree.MetadataOf(target));
            ApplyOwnership(metadata, target.Kind, change);
            metadata.Atime = Resolve(change.AccessTime, metadata.Atime, metadata.Ctime);
            metadata.Mtime = Resolve(change.ModifyTime, metadata.Mtime, metadata.Ctime);
            target.Metadata = metadata;
            _tree.MarkDirty(target);
            return AttributesOf(target);
        }));
    }

    private void ApplyOwnership(BupMetadata metadata, NodeKind kind, in AttributeChanges change)
    {
        if (change.Permissions is { } permissions)
        {
            metadata.Mode = (metadata.Mode & 0xF000) | (permissions & 0xFFF);
            StagedAcl.Chmod(metadata, kind, _options.UserNames); // the access ACL follows the mode, as on Linux
        }

        if (change.Uid is { } uid && uid != metadata.Uid)
        {
            metadata.Uid = uid;
            metadata.User = _options.UserNames?.UserName(uid) ?? [];
        }

        if (change.Gid is { } gid && gid != metadata.Gid)
        {
            metadata.Gid = gid;
            metadata.Group = _options.UserNames?.GroupName(gid) ?? [];
        }
    }

    private static BupTimespec Resolve(TimeChange? change, BupTimespec current, BupTimespec now) => change switch
    {
        null => current,
        { Now: true } => now,
        { Value: var value } => new BupTimespec(value.Seconds, value.Nanoseconds),
    };

    private void Truncate(StagedNode node, long size)
    {
        if (node.Kind != NodeKind.File)
        {
            throw new FsException(node.Kind == NodeKind.Directory ? FsError.IsDirectory : FsError.InvalidArgument);
        }

        if (size < 0 || size > MaxFileBytes)
        {
            throw new FsException(size < 0 ? FsError.InvalidArgument : FsError.FileTooLarge);
        }

        EnsureSpooled(node, truncate: size == 0);
        var file = OpenSpool(node, truncate: false);
        try
        {
            lock (file.SizeGate)
            {
                RandomAccess.SetLength(file.Spool, size);
                file.Size = size;
                file.Modified = true;
            }

            StoreSize(file);
        }
        finally
        {
            ReleaseSpool(file);
        }
    }

    // The first change of a base file copies its content into a spool file (all of it unless the
    // change empties it). The node is then Spooled and dirty, in one transaction.
    private void EnsureSpooled(StagedNode node, bool truncate)
    {
        _tree.CheckWritable(_tree.Get(_tree.Database.NamesOf(node.Inode) is [var first, ..] ? first.Parent : InodeNumbers.Root));
        InvalidateSplit(node);
        if (node.State == NodeState.Spooled)
        {
            if (truncate && _open.TryGetValue(node.Inode, out var open))
            {
                lock (open.SizeGate)
                {
                    RandomAccess.SetLength(open.Spool, 0);
                    open.Size = 0;
                    open.Modified = true;
                }
            }
            else if (truncate)
            {
                // Not open, so no close will store the size: store it (and the change's times) now.
                File.WriteAllBytes(_area.SpoolPath(node.Inode), []);
                var emptied = StagingTree.Changed(_tree.MetadataOf(node));
                emptied.Mtime = emptied.Ctime;
                emptied.Size = 0;
                node.Metadata = emptied;
                node.Size = 0;
                _tree.MarkDirty(node);
            }

            return;
        }

        var path = _area.SpoolPath(node.Inode);
        long size = truncate || node.BaseId is null ? 0 : CopyBase(node, path);
        if (size == 0)
        {
            File.WriteAllBytes(path, []);
        }

        node.State = NodeState.Spooled;
        node.Size = size;
        UpgradeBaseReaders(node);
        var metadata = StagingTree.Changed(_tree.MetadataOf(node));
        metadata.Mtime = truncate ? metadata.Ctime : metadata.Mtime;
        node.Metadata = metadata;
        _tree.MarkDirty(node);
    }

    private long CopyBase(StagedNode node, string path)
    {
        var content = _base.OpenContent(node.BaseMode, node.BaseId!.Value);
        using var spool = File.OpenHandle(path, FileMode.Create, FileAccess.Write, SpoolShare);
        var buffer = new byte[CopyBufferBytes];
        long offset = 0;
        int read;
        while ((read = content.Read(offset, buffer)) > 0)
        {
            RandomAccess.Write(spool, buffer.AsSpan(0, read), offset);
            offset += read;
        }

        return offset;
    }

    private void RegisterBaseReader(StagedFileHandle reader)
    {
        if (!_baseReaders.TryGetValue(reader.Node, out var readers))
        {
            _baseReaders[reader.Node] = readers = [];
        }

        readers.Add(reader);
    }

    private void UnregisterBaseReader(StagedFileHandle reader)
    {
        if (_baseReaders.TryGetValue(reader.Node, out var readers) && readers.Remove(reader) && readers.Count == 0)
        {
            _baseReaders.Remove(reader.Node);
        }
    }

    // A file copied up while handles read its base content: they read the spool file from now on
    // (each holds it open like any other handle), so no descriptor misses a write.
    private void UpgradeBaseReaders(StagedNode node)
    {
        if (!_baseReaders.Remove(node.Inode, out var readers))
        {
            return;
        }

        foreach (var reader in readers)
        {
            var file = OpenSpool(node, truncate: false);
            file.Writers += reader.Writable ? 1 : 0;
            reader.File = file;
        }
    }

    private OpenFile OpenSpool(StagedNode node, bool truncate)
    {
        if (_open.TryGetValue(node.Inode, out var file))
        {
            file.Opens++;
            return file;
        }

        var path = _area.SpoolPath(node.Inode);
        SafeFileHandle handle = File.OpenHandle(path, truncate ? FileMode.Create : FileMode.OpenOrCreate, FileAccess.ReadWrite, SpoolShare);
        file = new OpenFile(node.Inode, handle, truncate ? 0 : RandomAccess.GetLength(handle)) { Opens = 1 };
        _open.Add(node.Inode, file);
        return file;
    }

    private void ReleaseSpool(OpenFile file)
    {
        if (--file.Opens == 0)
        {
            _open.Remove(file.Inode);
            file.Spool.Dispose();
        }
    }

    // Stores the live size and the write's times; called at close, fsync and unmount.
    private void StoreSize(OpenFile file)
    {
        long size;
        lock (file.SizeGate)
        {
            if (!file.Modified)
            {
                return;
            }

            file.Modified = false;
            size = file.Size;
        }

        if (_tree.Database.GetNode(file.Inode) is not { } node)
        {
            return;
        }

        var metadata = StagingTree.Changed(_tree.MetadataOf(node));
        metadata.Mtime = metadata.Ctime;
        metadata.Size = size;
        node.Metadata = metadata;
        node.Size = size;
        _tree.MarkDirty(node);
    }

    private static StagedFileHandle AsStaged(IFileHandle handle) =>
        handle as StagedFileHandle ?? throw new FsException(FsError.BadHandle, "not a staging handle");
}
