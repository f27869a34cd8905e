// The write slots of a writable mount's table (FuseOperations.Writable is set). Same rules as
// the read path in FuseCallbacks.cs: exceptions stop in Failed, exactly one reply per request,
// sent after the try block, traces after the reply. Requests that create a node take their
// caller from fuse_req_ctx (docs/fuse-interop.md, "The write side").
//
// Concurrency: called from many libfuse workers at once.
using System.Runtime.InteropServices;
using BupFs.Linux.Interop;

namespace BupFs.Linux;

internal static unsafe partial class FuseCallbacks
{
    private static void AddWrites(ref FuseLowLevelOps table)
    {
        table.SetAttr = (nint)(delegate* unmanaged<nint, ulong, Stat*, int, FuseFileInfo*, void>)&SetAttr;
        table.MkNod = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, ulong, void>)&MkNod;
        table.MkDir = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, void>)&MkDir;
        table.Unlink = (nint)(delegate* unmanaged<nint, ulong, byte*, void>)&Unlink;
        table.RmDir = (nint)(delegate* unmanaged<nint, ulong, byte*, void>)&RmDir;
        table.Symlink = (nint)(delegate* unmanaged<nint, byte*, ulong, byte*, void>)&Symlink;
        table.Rename = (nint)(delegate* unmanaged<nint, ulong, byte*, ulong, byte*, uint, void>)&Rename;
        table.Link = (nint)(delegate* unmanaged<nint, ulong, ulong, byte*, void>)&Link;
        table.Write = (nint)(delegate* unmanaged<nint, ulong, byte*, nuint, long, FuseFileInfo*, void>)&Write;
        table.Create = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, FuseFileInfo*, void>)&Create;
        table.Flush = (nint)(delegate* unmanaged<nint, ulong, FuseFileInfo*, void>)&Flush;
        table.Fsync = (nint)(delegate* unmanaged<nint, ulong, int, FuseFileInfo*, void>)&Fsync;
        table.FsyncDir = (nint)(delegate* unmanaged<nint, ulong, int, FuseFileInfo*, void>)&FsyncDir;
        table.SetXAttr = (nint)(delegate* unmanaged<nint, ulong, byte*, byte*, nuint, int, void>)&SetXAttr;
        table.RemoveXAttr = (nint)(delegate* unmanaged<nint, ulong, byte*, void>)&RemoveXAttr;
        table.FAllocate = (nint)(delegate* unmanaged<nint, ulong, int, long, long, FuseFileInfo*, void>)&FAllocate;
    }

    [UnmanagedCallersOnly]
    private static void SetAttr(nint request, ulong node, Stat* attributes, int toSet, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        Stat stat = default;
        double timeout = 0;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            timeout = ops.SetAttributes(node, attributes, toSet, info, out stat);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "setattr", node, e);
        }

        _ = errno == 0 ? LibFuse.ReplyAttr(request, &stat, timeout) : LibFuse.ReplyErr(request, errno);
        Traced(ops, "setattr", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void MkNod(nint request, ulong parent, byte* name, uint mode, ulong device)
    {
        FuseOperations? ops = null;
        FuseEntryParam entry = default;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            ops.MakeNode(parent, nameBytes, mode, device, ops.CallerOf(LibFuse.RequestContext(request)), out entry);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "mknod", parent, e);
        }

        ReplyNewEntry(request, ops, &entry, errno);
        Traced(ops, "mknod", parent, errno, nameBytes);
    }

    [UnmanagedCallersOnly]
    private static void MkDir(nint request, ulong parent, byte* name, uint mode)
    {
        FuseOperations? ops = null;
        FuseEntryParam entry = default;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            ops.MakeDirectory(parent, nameBytes, mode, ops.CallerOf(LibFuse.RequestContext(request)), out entry);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "mkdir", parent, e);
        }

        ReplyNewEntry(request, ops, &entry, errno);
        Traced(ops, "mkdir", parent, errno, nameBytes);
    }

    [UnmanagedCallersOnly]
    private static void Symlink(nint request, byte* target, ulong parent, byte* name)
    {
        FuseOperations? ops = null;
        FuseEntryParam entry = default;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            ReadOnlySpan<byte> targetBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(target);
            ops.MakeSymlink(targetBytes, parent, nameBytes, ops.CallerOf(LibFuse.RequestContext(request)), out entry);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "symlink", parent, e);
        }

        ReplyNewEntry(request, ops, &entry, errno);
        Traced(ops, "symlink", parent, errno, nameBytes);
    }

    [UnmanagedCallersOnly]
    private static void Link(nint request, ulong node, ulong newParent, byte* newName)
    {
        FuseOperations? ops = null;
        FuseEntryParam entry = default;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(newName);
            ops.Link(node, newParent, nameBytes, out entry);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "link", node, e);
        }

        ReplyNewEntry(request, ops, &entry, errno);
        Traced(ops, "link", node, errno, nameBytes);
    }

    [UnmanagedCallersOnly]
    private static void Unlink(nint request, ulong parent, byte* name) =>
        RemoveName(request, parent, name, directory: false);

    [UnmanagedCallersOnly]
    private static void RmDir(nint request, ulong parent, byte* name) =>
        RemoveName(request, parent, name, directory: true);

    [UnmanagedCallersOnly]
    private static void Rename(nint request, ulong parent, byte* name, ulong newParent, byte* newName, uint flags)
    {
        FuseOperations? ops = null;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            ops.Rename(parent, nameBytes, newParent, MemoryMarshal.CreateReadOnlySpanFromNullTerminated(newName), flags);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "rename", parent, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "rename", parent, errno, nameBytes);
    }

    [UnmanagedCallersOnly]
    private static void Create(nint request, ulong parent, byte* name, uint mode, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        FuseEntryParam entry = default;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            ops.Create(parent, nameBytes, mode, info, ops.CallerOf(LibFuse.RequestContext(request)), out entry);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "create", parent, e);
        }

        ReplyCreate(request, ops, &entry, info, errno);
        Traced(ops, "create", parent, errno, nameBytes);
    }

    [UnmanagedCallersOnly]
    private static void Write(nint request, ulong node, byte* data, nuint size, long offset, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int count = 0, errno = 0;
        try
        {
            ops = Resolve(request);
            count = ops.Write(info->Handle, new ReadOnlySpan<byte>(data, ClampSize(size)), offset);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "write", node, e);
        }

        _ = errno == 0 ? LibFuse.ReplyWrite(request, (nuint)count) : LibFuse.ReplyErr(request, errno);
        Traced(ops, "write", node, errno, offset: offset, size: count);
    }

    [UnmanagedCallersOnly]
    private static void Flush(nint request, ulong node, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.Flush(info->Handle);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "flush", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "flush", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void Fsync(nint request, ulong node, int dataOnly, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.Sync(node, info->Handle, dataOnly != 0);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "fsync", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "fsync", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void FsyncDir(nint request, ulong node, int dataOnly, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.SyncDirectory(node, dataOnly != 0);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "fsyncdir", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "fsyncdir", node, errno);
    }

    [UnmanagedCallersOnly]
    private static void SetXAttr(nint request, ulong node, byte* name, byte* value, nuint size, int flags)
    {
        FuseOperations? ops = null;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            ops.SetExtendedAttribute(node, nameBytes, new ReadOnlySpan<byte>(value, ClampSize(size)), flags);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "setxattr", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "setxattr", node, errno, nameBytes, size: (long)size);
    }

    [UnmanagedCallersOnly]
    private static void RemoveXAttr(nint request, ulong node, byte* name)
    {
        FuseOperations? ops = null;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            ops.RemoveExtendedAttribute(node, nameBytes);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "removexattr", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "removexattr", node, errno, nameBytes);
    }

    [UnmanagedCallersOnly]
    private static void FAllocate(nint request, ulong node, int mode, long offset, long length, FuseFileInfo* info)
    {
        FuseOperations? ops = null;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            ops.Allocate(node, info->Handle, mode, offset, length);
        }
        catch (Exception e)
        {
            errno = Failed(ops, "fallocate", node, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, "fallocate", node, errno, offset: offset, size: length);
    }

    private static void RemoveName(nint request, ulong parent, byte* name, bool directory)
    {
        FuseOperations? ops = null;
        ReadOnlySpan<byte> nameBytes = default;
        int errno = 0;
        try
        {
            ops = Resolve(request);
            nameBytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
            if (directory)
            {
                ops.RemoveDirectory(parent, nameBytes);
            }
            else
            {
                ops.Unlink(parent, nameBytes);
            }
        }
        catch (Exception e)
        {
            errno = Failed(ops, directory ? "rmdir" : "unlink", parent, e);
        }

        LibFuse.ReplyErr(request, errno);
        Traced(ops, directory ? "rmdir" : "unlink", parent, errno, nameBytes);
    }

    /// <summary>
    /// Replies to a request that made a name (mknod, mkdir, symlink, link). When the kernel no
    /// longer waits for it (interrupted: -ENOENT), it never counted the lookup, so we return it.
    /// </summary>
    private static void ReplyNewEntry(nint request, FuseOperations? ops, FuseEntryParam* entry, int errno)
    {
        if (errno != 0)
        {
            LibFuse.ReplyErr(request, errno);
            return;
        }

        if (LibFuse.ReplyEntry(request, entry) == -ErrnoMap.ENOENT)
        {
            ForgetUnseen(ops!, entry->Inode);
        }
    }

    /// <summary>Replies to create; an interrupted one gives back both its handle and its lookup.</summary>
    private static void ReplyCreate(nint request, FuseOperations? ops, FuseEntryParam* entry, FuseFileInfo* info, int errno)
    {
        if (errno != 0)
        {
            LibFuse.ReplyErr(request, errno);
            return;
        }

        if (LibFuse.ReplyCreate(request, entry, info) != -ErrnoMap.ENOENT)
        {
            return;
        }

        try
        {
            ops!.AbandonCreate(info->Handle, entry->Inode);
        }
        catch (Exception e)
        {
            Failed(ops, "release", entry->Inode, e);
        }
    }

    private static void ForgetUnseen(FuseOperations ops, ulong node)
    {
        try
        {
            ops.Forget(node, 1);
        }
        catch (Exception e)
        {
            Failed(ops, "forget", node, e);
        }
    }
}
