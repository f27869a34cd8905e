// The managed side of one mount's requests: turns FUSE requests into IFileSystem calls and
// their answers into the kernel's structs. FuseCallbacks (the native shell) calls it and turns
// whatever it throws into an errno; nothing here replies to the kernel.
//
// Concurrency: called from many libfuse worker threads at once; all state is either immutable,
// thread-safe (the handle tables, the log) or owned by one request.
using System.Runtime.InteropServices;
using BupFs.Linux.Interop;

namespace BupFs.Linux;

/// <summary>Request handlers of one mount, reached from native code through a GCHandle.</summary>
internal sealed unsafe partial class FuseOperations
{
    private const int AccessWrite = 2; // W_OK

    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _kernelAppliesUmask = true;

    public FuseOperations(IFileSystem fs, FuseMountOptions options)
    {
        FileSystem = fs;
        Writable = WritableOf(fs, options);
        Policy = new CachePolicy(options.MutableCacheTimeout);
        Log = new RequestLog(options.Log, options.Debug);
    }

    public IFileSystem FileSystem { get; }

    /// <summary>The write half when this mount serves writes, else null (every write is EROFS).</summary>
    public IWritableFileSystem? Writable { get; }

    public CachePolicy Policy { get; }

    public RequestLog Log { get; }

    public HandleTable<IFileHandle> Files { get; } = new();

    public HandleTable<DirectoryHandle> Directories { get; } = new();

    /// <summary>Completes when the kernel's INIT has been answered by our init callback.</summary>
    public Task Initialized => _initialized.Task;

    /// <summary>
    /// The write half a mount of <paramref name="fs"/> serves: only a filesystem that implements
    /// <see cref="IWritableFileSystem"/>, and only when the mount is not <c>-o ro</c> (where the
    /// kernel would refuse writes anyway).
    /// </summary>
    public static IWritableFileSystem? WritableOf(IFileSystem fs, FuseMountOptions options) =>
        options.ReadOnly ? null : fs as IWritableFileSystem;

    /// <summary>The instance behind a fuse_session_new userdata pointer.</summary>
    public static FuseOperations FromUserData(nint userData) =>
        (FuseOperations)GCHandle.FromIntPtr(userData).Target!;

    /// <summary>
    /// Negotiates the connection. Defaults already fit an immutable tree (async reads, 1 MiB
    /// max_write hence max_pages 256, auto inval data, parallel dirops, readdirplus auto); we
    /// add ns timestamps and keep splice off (memory-backed data: it was 4× slower, docs/fuse-interop.md, "Measured read throughput").
    /// </summary>
    public void OnInit(FuseConnInfo* connection)
    {
        connection->Want |= connection->Capable & FuseCapability.AsyncRead;
        connection->Want &= ~(FuseCapability.SpliceWrite | FuseCapability.SpliceMove);
        connection->TimeGranularity = 1;
        if (Writable is not null)
        {
            NegotiateWrites(connection);
        }

        if (Log.TraceEnabled)
        {
            Log.Write($"fuse: init proto {connection->ProtocolMajor}.{connection->ProtocolMinor} " +
                      $"capable=0x{connection->Capable:x} want=0x{connection->Want:x} max_write={connection->MaxWrite}");
        }

        _initialized.TrySetResult();
    }

    /// <summary>
    /// Write-side capabilities (docs/fuse-interop.md, "The write side"): libfuse presets
    /// ATOMIC_O_TRUNC and HANDLE_KILLPRIV, which would hand O_TRUNC and the clearing of
    /// setuid/setgid bits to us; without them the kernel sends setattr for both, which the
    /// contract already covers. DONT_MASK stays off so the kernel applies the umask, and
    /// WRITEBACK_CACHE stays off so every write reaches the filesystem when it is made.
    /// </summary>
    private void NegotiateWrites(FuseConnInfo* connection)
    {
        connection->Want &= ~(FuseCapability.AtomicOpenTruncate | FuseCapability.HandleKillPriv |
                              FuseCapability.DontMask | FuseCapability.WritebackCache);
        _kernelAppliesUmask = (connection->Want & FuseCapability.DontMask) == 0;
    }

    /// <summary>Records a failed init so Mount can report it.</summary>
    public void OnInitFailed(Exception exception) => _initialized.TrySetException(exception);

    public void Lookup(ulong parent, ReadOnlySpan<byte> name, out FuseEntryParam entry)
    {
        NodeAttributes attributes;
        try
        {
            attributes = FileSystem.Lookup(parent, name);
        }
        catch (FsException e) when (e.Error == FsError.NotFound && IsImmutable(parent))
        {
            // A negative entry (node id 0) lets the kernel remember the miss in an immutable directory.
            entry = default;
            entry.EntryTimeout = CachePolicy.ImmutableSeconds;
            return;
        }

        CheckNodeId(attributes.Inode);
        AttributeEncoder.Encode(attributes, Policy, out entry);
    }

    public void Forget(ulong node, ulong count) => FileSystem.Forget(node, count);

    public double GetAttributes(ulong node, out Stat stat)
    {
        NodeAttributes attributes = FileSystem.GetAttributes(node);
        AttributeEncoder.Encode(attributes, out stat);
        return Policy.TimeoutFor(attributes);
    }

    public byte[] ReadLink(ulong node) => FileSystem.ReadLink(node);

    /// <summary>Opens a file and sets fh and the cache bits in <paramref name="info"/>.</summary>
    public void Open(ulong node, FuseFileInfo* info)
    {
        OpenFlags flags = OpenFlagsOf(info->Flags);
        SetOpenReply(FileSystem.Open(node, flags), flags, info);
    }

    /// <summary>
    /// Stores the handle as the reply's fh. Only immutable content keeps the page cache across
    /// opens; only handles that may have written something get a FLUSH at close (the place for
    /// deferred write errors), readers are spared the round trip.
    /// </summary>
    private void SetOpenReply(IFileHandle handle, OpenFlags flags, FuseFileInfo* info)
    {
        info->Handle = Files.Add(handle);
        if (handle.Immutable)
        {
            info->Bits |= FuseFileInfo.KeepCache; // page cache survives close/open
        }

        if ((flags & ~OpenFlags.Read) == 0)
        {
            info->Bits |= FuseFileInfo.NoFlush;
        }
    }

    /// <summary>open(2)'s flags in neutral terms (O_ACCMODE, O_APPEND, O_TRUNC; docs/fuse-interop.md).</summary>
    public static OpenFlags OpenFlagsOf(int flags)
    {
        const int accessModeMask = 3, writeOnly = 1, readWrite = 2, append = 0x400, truncate = 0x200;
        OpenFlags result = (flags & accessModeMask) switch
        {
            writeOnly => OpenFlags.Write,
            readWrite => OpenFlags.Read | OpenFlags.Write,
            _ => OpenFlags.Read,
        };
        if ((flags & append) != 0)
        {
            result |= OpenFlags.Append;
        }

        if ((flags & truncate) != 0)
        {
            result |= OpenFlags.Truncate;
        }

        return result;
    }

    /// <summary>Releases a handle whose open reply the kernel did not take (interrupted open).</summary>
    public void AbandonOpen(ulong handle) => FileSystem.Release(Files.Remove(handle));

    /// <summary>
    /// Fills <paramref name="buffer"/> as far as the file goes. A short reply means end of file
    /// to the kernel, so a filesystem that stops early (say, at a chunk boundary) is asked again.
    /// </summary>
    public int Read(ulong handle, Span<byte> buffer, long offset)
    {
        if (offset < 0)
        {
            throw new FsException(FsError.InvalidArgument, $"negative read offset {offset}");
        }

        IFileHandle file = Files.Get(handle);
        int total = 0;
        while (total < buffer.Length)
        {
            int count = FileSystem.Read(file, buffer[total..], offset + total);
            if ((uint)count > (uint)(buffer.Length - total))
            {
                throw new InvalidOperationException($"IFileSystem.Read returned {count} for a {buffer.Length - total}-byte buffer");
            }

            if (count == 0)
            {
                break;
            }

            total += count;
        }

        return total;
    }

    public void Release(ulong handle) => FileSystem.Release(Files.Remove(handle));

    /// <summary>Opens a directory; immutable ones get the kernel's readdir cache.</summary>
    public void OpenDirectory(ulong node, FuseFileInfo* info)
    {
        NodeAttributes attributes = FileSystem.GetAttributes(node);
        if (attributes.Kind != NodeKind.Directory)
        {
            throw new FsException(FsError.NotDirectory);
        }

        info->Handle = Directories.Add(new DirectoryHandle(node, attributes.Immutable));
        if (attributes.Immutable)
        {
            // keep_cache stops the next opendir from dropping the cached listing.
            info->Bits |= FuseFileInfo.CacheReaddir | FuseFileInfo.KeepCache;
        }
    }

    public void ReleaseDirectory(ulong handle) => Directories.Remove(handle);

    /// <summary>
    /// Fills a readdir reply, or a readdirplus one when <paramref name="plus"/> is given (it then
    /// holds the lookup references taken; on an exception they have been returned already).
    /// </summary>
    public nuint ReadDirectory(nint request, ulong handle, long offset, byte* buffer, nuint size, PlusLookups? plus)
    {
        DirectoryHandle directory = Directories.Get(handle);
        IReadOnlyList<DirectoryEntry> entries = directory.Listing(FileSystem, offset);
        try
        {
            return DirectoryEncoder.Fill(request, buffer, size, offset, directory, entries, Policy, plus, FileSystem.RootNode);
        }
        catch (Exception)
        {
            plus?.ReturnAll(Log); // the reply will be an error: the kernel links none of the entries
            throw;
        }
    }

    public void GetStatistics(out StatVfs result)
    {
        FsStatistics statistics = FileSystem.GetStatistics();
        result = default;
        result.BlockSize = result.FragmentSize = Math.Max(statistics.BlockSize, 1u);
        result.Blocks = statistics.TotalBlocks;
        result.FreeBlocks = result.AvailableBlocks = statistics.FreeBlocks;
        result.Files = statistics.TotalNodes;
        result.FreeFiles = result.AvailableFiles = statistics.FreeNodes;
        result.NameMax = statistics.MaxNameLength == 0 ? 255 : statistics.MaxNameLength;
    }

    public byte[] GetExtendedAttribute(ulong node, ReadOnlySpan<byte> name) =>
        FileSystem.GetExtendedAttribute(node, name);

    /// <summary>The names as the kernel wants them: each followed by a NUL.</summary>
    public byte[] ListExtendedAttributes(ulong node)
    {
        IReadOnlyList<byte[]> names = FileSystem.ListExtendedAttributes(node);
        int total = 0;
        foreach (byte[] name in names)
        {
            total += name.Length + 1;
        }

        var list = new byte[total];
        int at = 0;
        foreach (byte[] name in names)
        {
            name.CopyTo(list, at);
            at += name.Length + 1;
        }

        return list;
    }

    /// <summary>
    /// access(2) without default_permissions (writable mounts always have it, so the kernel
    /// checks and rarely asks): the node must exist, and write access is refused on a read-only mount.
    /// </summary>
    public void CheckAccess(ulong node, int mask)
    {
        FileSystem.GetAttributes(node);
        if ((mask & AccessWrite) != 0 && Writable is null)
        {
            throw new FsException(FsError.ReadOnly);
        }
    }

    /// <summary>Hands every still-open file back to the filesystem (the kernel will not).</summary>
    public void ReleaseAll()
    {
        Directories.RemoveAll();
        foreach (IFileHandle handle in Files.RemoveAll())
        {
            try
            {
                FileSystem.Release(handle);
            }
            catch (Exception e)
            {
                Log.Unexpected("release", handle.Node, e);
            }
        }
    }

    private bool IsImmutable(ulong node)
    {
        try
        {
            return FileSystem.GetAttributes(node).Immutable;
        }
        catch (FsException)
        {
            return false;
        }
    }

    private static void CheckNodeId(ulong node)
    {
        if (node == 0)
        {
            throw new InvalidOperationException("IFileSystem.Lookup returned inode 0, which FUSE reads as 'no such entry'");
        }
    }
}
