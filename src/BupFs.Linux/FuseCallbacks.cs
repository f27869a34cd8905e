// The native shell: one [UnmanagedCallersOnly] trampoline per libfuse low-level operation.
// Each one resolves the mount from the request's userdata, wraps the raw pointers, calls
// FuseOperations and sends exactly one reply. Exceptions never cross into native code: every
// body funnels them through Failed (errno + one-time log), and every reply goes out after the
// try block so a failure can never cause a second reply. Traces are written after the reply.
//
// Concurrency: libfuse calls these from its worker pthreads, many at once.
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BupFs.Linux.Interop;

namespace BupFs.Linux;

/// <summary>libfuse low-level callbacks and the operation table that points at them.</summary>
internal static unsafe partial class FuseCallbacks
{
    /// <summary>Upper bound for one reply buffer; the kernel asks for at most max_pages (1 MiB).</summary>
    private const int MaxRequestBytes = 16 << 20;

    private static readonly RequestLog OrphanLog = new(null, trace: false);

    /// <summary>
    /// The operation table for fuse_session_new (copied by libfuse): the read path, plus either
    /// the write operations (a writable mount) or refusals that answer EROFS (a read-only one).
    /// </summary>
    public static FuseLowLevelOps CreateOperationTable(bool writable)
    {
        FuseLowLevelOps table = new()
        {
            Init = (nint)(delegate* unmanaged<nint, FuseConnInfo*, void>)&Init,
            Lookup = (nint)(delegate* unmanaged<nint, ulong, byte*, void>)&Lookup,
            Forget = (nint)(delegate* unmanaged<nint, ulong, ulong, void>)&Forget,
            ForgetMulti = (nint)(delegate* unmanaged<nint, nuint, FuseForgetData*, void>)&ForgetMulti,
            GetAttr = (nint)(delegate* unmanaged<nint, ulong, FuseFileInfo*, void>)&GetAttr,
            ReadLink = (nint)(delegate* unmanaged<nint, ulong, void>)&ReadLink,
            Open = (nint)(delegate* unmanaged<nint, ulong, FuseFileInfo*, void>)&Open,
            Read = (nint)(delegate* unmanaged<nint, ulong, nuint, long, FuseFileInfo*, void>)&Read,
            Release = (nint)(delegate* unmanaged<nint, ulong, FuseFileInfo*, void>)&Release,
            OpenDir = (nint)(delegate* unmanaged<nint, ulong, FuseFileInfo*, void>)&OpenDir,
            ReadDir = (nint)(delegate* unmanaged<nint, ulong, nuint, long, FuseFileInfo*, void>)&ReadDir,
            ReadDirPlus = (nint)(delegate* unmanaged<nint, ulong, nuint, long, FuseFileInfo*, void>)&ReadDirPlus,
            ReleaseDir = (nint)(delegate* unmanaged<nint, ulong, FuseFileInfo*, void>)&ReleaseDir,
            StatFs = (nint)(delegate* unmanaged<nint, ulong, void>)&StatFs,
            GetXAttr = (nint)(delegate* unmanaged<nint, ulong, byte*, nuint, void>)&GetXAttr,
            ListXAttr = (nint)(delegate* unmanaged<nint, ulong, nuint, void>)&ListXAttr,
            Access = (nint)(delegate* unmanaged<nint, ulong, int, void>)&Access,
        };
        if (writable)
        {
            AddWrites(ref table);
        }
        else
        {
            AddRefusals(ref table);
        }

        return table;
    }

    [UnmanagedCallersOnly]
    private static void Init(nint userData, FuseConnInfo* connection)
    {
        FuseOperations? ops = null;
        try
        {
            ops = FuseOperations.FromUserData(userData);
            ops.OnInit(connection);
        }
        catch (Exception e)
        {
            Failed(ops, "init", 0, e);
            ops?.OnInitFailed(e);
        }
    }

    [UnmanagedCallersOnly]
    private static void Lookup(nint request, ulong parent, byte* name)
    {
        FuseOperations? ops = null;
        FuseEntryParam entry = default;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            ops.Lookup(parent, nameBytes, out entry);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "lookup", parent, e);
        }

        _ = errno == 0 ? LibFuse.ReplyEntry(request, &entry) : LibFuse.ReplyErr(request, errno);
        Traced(ops, "lookup", parent, errno, nameBytes);
    }

    [UnmanagedCallersOnly]
    private static void Forget(nint request, ulong node, ulong count)
    {
        ForgetOne(request, node, count);
        LibFuse.ReplyNone(request);
    }

    [UnmanagedCallersOnly]
    private static void ForgetMulti(nint request, nuint count, FuseForgetData* forgets)
    {
        for (nuint i = 0; i < count; i++)
        {
            ForgetOne(request, forgets[i].Inode, forgets[i].Count);
        }

        LibFuse.ReplyNone(request);
    }

    [UnmanagedCallersOnly]
    private static void GetAttr(nint request, ulong node, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        Stat stat = default;
        double timeout = 0;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            timeout = ops.GetAttributes(node, out stat);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "getattr", node, e);
        }

        _ = errno == 0 ? LibFuse.ReplyAttr(request, &stat, timeout) : LibFuse.ReplyErr(request, errno);
        Traced(ops, "getattr", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void ReadLink(nint request, ulong node)
    {
        FuseOperations? ops = null;
        byte[]? target = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            target = NulTerminated(ops.ReadLink(node));
        }
        catch (Exception e)
        {
            errno = Failed(ops, "readlink", node, e);
        }

        fixed (byte* text = target)
        {
            _ = errno == 0 ? LibFuse.ReplyReadLink(request, text) : LibFuse.ReplyErr(request, errno);
        }

        Traced(ops, "readlink", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void Open(nint request, ulong node, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.Open(node, info);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "open", node, e);
        }

        ReplyOpen(request, ops, info, errno, directory: false);
        Traced(ops, "open", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void Read(nint request, ulong node, nuint size, long offset, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        byte[]? buffer = null;
        int count = 0, errno = 0;
        try
        {
            ops = Resolve(request);
            int length = ClampSize(size);
            buffer = ArrayPool<byte>.Shared.Rent(length);
            count = ops.Read(info->Handle, buffer.AsSpan(0, length), offset);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "read", node, e);
        }

        fixed (byte* data = buffer)
        {
            _ = errno == 0 ? LibFuse.ReplyBuf(request, data, (nuint)count) : LibFuse.ReplyErr(request, errno);
        }

        ReturnBuffer(buffer);
        Traced(ops, "read", node, errno, offset: offset, size: count);
    }

    [UnmanagedCallersOnly]
    private static void Release(nint request, ulong node, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.Release(info->Handle);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "release", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "release", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void OpenDir(nint request, ulong node, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.OpenDirectory(node, info);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "opendir", node, e);
        }

        ReplyOpen(request, ops, info, errno, directory: true);
        Traced(ops, "opendir", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void ReadDir(nint request, ulong node, nuint size, long offset, FuseFileInfo* info) =>
        ReadDirectory(request, node, size, offset, info, plus: false);

    [UnmanagedCallersOnly]
    private static void ReadDirPlus(nint request, ulong node, nuint size, long offset, FuseFileInfo* info) =>
        ReadDirectory(request, node, size, offset, info, plus: true);

    [UnmanagedCallersOnly]
    private static void ReleaseDir(nint request, ulong node, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.ReleaseDirectory(info->Handle);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "releasedir", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "releasedir", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void StatFs(nint request, ulong node)
    {
        FuseOperations? ops = null;
        StatVfs statistics = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.GetStatistics(out statistics);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "statfs", node, e);
        }

        _ = errno == 0 ? LibFuse.ReplyStatFs(request, &statistics) : LibFuse.ReplyErr(request, errno);
        Traced(ops, "statfs", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void GetXAttr(nint request, ulong node, byte* name, nuint size)
    {
        FuseOperations? ops = null;
        ReadOnlySpan<byte> nameBytes = default;
        byte[]? value = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            value = ops.GetExtendedAttribute(node, nameBytes);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "getxattr", node, e);
        }

        errno = ReplyAttributeData(request, value, size, errno);
        Traced(ops, "getxattr", node, errno, nameBytes, size: (long)size);
    }

    [UnmanagedCallersOnly]
    private static void ListXAttr(nint request, ulong node, nuint size)
    {
        FuseOperations? ops = null;
        byte[]? list = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            list = ops.ListExtendedAttributes(node);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "listxattr", node, e);
        }

        errno = ReplyAttributeData(request, list, size, errno);
        Traced(ops, "listxattr", node, errno, size: (long)size);
    }

    [UnmanagedCallersOnly]
    private static void Access(nint request, ulong node, int mask)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.CheckAccess(node, mask);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "access", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "access", node, errno);
    }

    private static void ForgetOne(nint request, ulong node, ulong count)
    {
        FuseOperations? ops = null;
        try
        {
            ops = Resolve(request);
            ops.Forget(node, count);
        }
        catch (Exception e)
        {
            Failed(ops, "forget", node, e);
        }

        Traced(ops, "forget", node, 0, size: (long)count);
    }

    private static void ReadDirectory(nint request, ulong node, nuint size, long offset, FuseFileInfo* info, bool plus)
    {
        FuseOperations? ops = null;
        PlusLookups? lookups = null;
        byte[]? buffer = null;
        nuint used = 0;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            lookups = plus ? new PlusLookups(ops.FileSystem) : null;
            int length = ClampSize(size);
            buffer = ArrayPool<byte>.Shared.Rent(length);
            fixed (byte* data = buffer)
            {
                used = ops.ReadDirectory(request, info->Handle, offset, data, (nuint)length, lookups);
            }
        }
        catch (Exception e)
        {
            errno = Failed(ops, plus ? "readdirplus" : "readdir", node, e);
        }

        int sent;
        fixed (byte* data = buffer)
        {
            sent = errno == 0 ? LibFuse.ReplyBuf(request, data, used) : LibFuse.ReplyErr(request, errno);
        }

        if (sent != 0 && ops is not null)
        {
            lookups?.ReturnAll(ops.Log); // interrupted: the kernel never saw these entries
        }

        ReturnBuffer(buffer);
        Traced(ops, plus ? "readdirplus" : "readdir", node, errno, offset: offset, size: (long)used);
    }

    /// <summary>Replies to open/opendir; an interrupted open gets its handle released at once.</summary>
    private static void ReplyOpen(nint request, FuseOperations? ops, FuseFileInfo* info, int errno, bool directory)
    {
        if (errno != 0)
        {
            LibFuse.ReplyErr(request, errno);
            return;
        }

        if (LibFuse.ReplyOpen(request, info) != -ErrnoMap.ENOENT)
        {
            return;
        }

        try
        {
            if (directory)
            {
                ops!.ReleaseDirectory(info->Handle);
            }
            else
            {
                ops!.AbandonOpen(info->Handle);
            }
        }
        catch (Exception e)
        {
            Failed(ops, "release", 0, e);
        }
    }

    /// <summary>The getxattr/listxattr size protocol: size 0 asks for the length; too small is ERANGE.</summary>
    private static int ReplyAttributeData(nint request, byte[]? data, nuint size, int errno)
    {
        if (errno == 0 && size != 0 && (nuint)data!.Length > size)
        {
            errno = ErrnoMap.ERANGE;
        }

        if (errno != 0)
        {
            LibFuse.ReplyErr(request, errno);
        }
        else if (size == 0)
        {
            LibFuse.ReplyXAttr(request, (nuint)data!.Length);
        }
        else
        {
            fixed (byte* bytes = data)
            {
                LibFuse.ReplyBuf(request, bytes, (nuint)data!.Length);
            }
        }

        return errno;
    }

    private static FuseOperations Resolve(nint request) =>
        FuseOperations.FromUserData(LibFuse.RequestUserData(request));

    /// <summary>The choke point for failures: errno for the kernel, a log line if unexpected. Never throws.</summary>
    private static int Failed(FuseOperations? ops, string operation, ulong node, Exception exception)
    {
        try
        {
            if (RequestLog.IsUnexpected(exception))
            {
                (ops?.Log ?? OrphanLog).Unexpected(operation, node, exception);
            }

            return ErrnoMap.FromException(exception);
        }
        catch (Exception)
        {
            return ErrnoMap.EIO;
        }
    }

    private static void Traced(
        FuseOperations? ops, string operation, ulong node, int errno,
        ReadOnlySpan<byte> name = default, long offset = -1, long size = -1)
    {
        if (ops is null || !ops.Log.TraceEnabled)
        {
            return;
        }

        try
        {
            ops.Log.Trace(operation, node, errno, name, offset, size);
        }
        catch (Exception)
        {
            // tracing is best effort
        }
    }

    private static byte[] NulTerminated(byte[] text)
    {
        var copy = new byte[text.Length + 1];
        text.CopyTo(copy, 0);
        return copy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ClampSize(nuint size) => (int)Math.Min(size, (nuint)MaxRequestBytes);

    private static void ReturnBuffer(byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
