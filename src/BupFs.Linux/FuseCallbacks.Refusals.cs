// The write slots of a read-only mount's table: each write request is answered with EROFS
// without calling into the filesystem, which either has no write half or is mounted -o ro
// (where the kernel refuses before asking, so these are a second line). Flush, fsync and
// fsyncdir stay empty: libfuse answers ENOSYS and the kernel stops sending them.
//
// Concurrency: as every callback, called from many libfuse workers at once.
using System.Runtime.InteropServices;
using BupFs.Linux.Interop;

namespace BupFs.Linux;

internal static unsafe partial class FuseCallbacks
{
    private static void AddRefusals(ref FuseLowLevelOps table)
    {
        table.SetAttr = (nint)(delegate* unmanaged<nint, ulong, Stat*, int, FuseFileInfo*, void>)&RefuseSetAttr;
        table.MkNod = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, ulong, void>)&RefuseMkNod;
        table.MkDir = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, void>)&RefuseMkDir;
        table.Unlink = (nint)(delegate* unmanaged<nint, ulong, byte*, void>)&RefuseUnlink;
        table.RmDir = (nint)(delegate* unmanaged<nint, ulong, byte*, void>)&RefuseRmDir;
        table.Symlink = (nint)(delegate* unmanaged<nint, byte*, ulong, byte*, void>)&RefuseSymlink;
        table.Rename = (nint)(delegate* unmanaged<nint, ulong, byte*, ulong, byte*, uint, void>)&RefuseRename;
        table.Link = (nint)(delegate* unmanaged<nint, ulong, ulong, byte*, void>)&RefuseLink;
        table.Write = (nint)(delegate* unmanaged<nint, ulong, byte*, nuint, long, FuseFileInfo*, void>)&RefuseWrite;
        table.Create = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, FuseFileInfo*, void>)&RefuseCreate;
        table.SetXAttr = (nint)(delegate* unmanaged<nint, ulong, byte*, byte*, nuint, int, void>)&RefuseSetXAttr;
        table.RemoveXAttr = (nint)(delegate* unmanaged<nint, ulong, byte*, void>)&RefuseRemoveXAttr;
        table.FAllocate = (nint)(delegate* unmanaged<nint, ulong, int, long, long, FuseFileInfo*, void>)&RefuseFAllocate;
    }

    [UnmanagedCallersOnly]
    private static void RefuseSetAttr(nint request, ulong node, Stat* attributes, int toSet, FuseFileInfo* info) =>
        RefuseWrite(request, "setattr", node);

    [UnmanagedCallersOnly]
    private static void RefuseMkNod(nint request, ulong parent, byte* name, uint mode, ulong device) =>
        RefuseWrite(request, "mknod", parent);

    [UnmanagedCallersOnly]
    private static void RefuseMkDir(nint request, ulong parent, byte* name, uint mode) =>
        RefuseWrite(request, "mkdir", parent);

    [UnmanagedCallersOnly]
    private static void RefuseUnlink(nint request, ulong parent, byte* name) =>
        RefuseWrite(request, "unlink", parent);

    [UnmanagedCallersOnly]
    private static void RefuseRmDir(nint request, ulong parent, byte* name) =>
        RefuseWrite(request, "rmdir", parent);

    [UnmanagedCallersOnly]
    private static void RefuseSymlink(nint request, byte* target, ulong parent, byte* name) =>
        RefuseWrite(request, "symlink", parent);

    [UnmanagedCallersOnly]
    private static void RefuseRename(nint request, ulong parent, byte* name, ulong newParent, byte* newName, uint flags) =>
        RefuseWrite(request, "rename", parent);

    [UnmanagedCallersOnly]
    private static void RefuseLink(nint request, ulong node, ulong newParent, byte* newName) =>
        RefuseWrite(request, "link", node);

    [UnmanagedCallersOnly]
    private static void RefuseWrite(nint request, ulong node, byte* data, nuint size, long offset, FuseFileInfo* info) =>
        RefuseWrite(request, "write", node);

    [UnmanagedCallersOnly]
    private static void RefuseCreate(nint request, ulong parent, byte* name, uint mode, FuseFileInfo* info) =>
        RefuseWrite(request, "create", parent);

    [UnmanagedCallersOnly]
    private static void RefuseSetXAttr(nint request, ulong node, byte* name, byte* value, nuint size, int flags) =>
        RefuseWrite(request, "setxattr", node);

    [UnmanagedCallersOnly]
    private static void RefuseRemoveXAttr(nint request, ulong node, byte* name) =>
        RefuseWrite(request, "removexattr", node);

    [UnmanagedCallersOnly]
    private static void RefuseFAllocate(nint request, ulong node, int mode, long offset, long length, FuseFileInfo* info) =>
        RefuseWrite(request, "fallocate", node);

    private static void RefuseWrite(nint request, string operation, ulong node)
    {
        FuseOperations? ops = null;
        try
        {
            ops = Resolve(request);
        }
        catch (Exception e)
        {
            Failed(ops, operation, node, e);
        }

        LibFuse.ReplyErr(request, ErrnoMap.EROFS);
        Traced(ops, operation, node, ErrnoMap.EROFS);
    }
}
