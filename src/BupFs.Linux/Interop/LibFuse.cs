// Binding to libfuse 3.12-3.16 (soname libfuse3.so.3), low-level API. The library is loaded
// explicitly and every function is bound through dlvsym at the version node whose ABI we
// mirror (docs/fuse-interop.md, "Loading and symbol versions"), so an older or newer libfuse fails loudly here
// instead of binding silently to a function with other parameter types. libfuse3.so.4 (3.17+)
// changed struct layouts and is deliberately not accepted (docs/decisions/0001-fuse-lowlevel.md).
//
// Concurrency: EnsureLoaded is thread-safe; the function pointers are written once before any
// mount exists and only read afterwards.
using System.Runtime.InteropServices;
using System.Text;

namespace BupFs.Linux.Interop;

/// <summary>libfuse3 entry points, bound once per process.</summary>
internal static unsafe class LibFuse
{
    /// <summary>The soname we bind.</summary>
    public const string SoName = "libfuse3.so.3";

    private const string NewerSoName = "libfuse3.so.4";
    private const string InstallHint = "install it with `apt-get install fuse3` (Debian/Ubuntu) or your distribution's fuse3 package";
    private const int MinimumVersion = 312;

    private static readonly Lock Gate = new();
    private static volatile bool s_loaded;

    private static delegate* unmanaged<int> s_version;
    private static delegate* unmanaged<FuseArgs*, byte*, int> s_optAddArg;
    private static delegate* unmanaged<FuseArgs*, void> s_optFreeArgs;
    private static delegate* unmanaged<FuseArgs*, FuseLowLevelOps*, nuint, nint, nint> s_sessionNew;
    private static delegate* unmanaged<nint, byte*, int> s_sessionMount;
    private static delegate* unmanaged<nint, nint, int> s_sessionLoopMt;
    private static delegate* unmanaged<nint, void> s_sessionExit;
    private static delegate* unmanaged<nint, void> s_sessionUnmount;
    private static delegate* unmanaged<nint, void> s_sessionDestroy;
    private static delegate* unmanaged<nint> s_loopConfigCreate;
    private static delegate* unmanaged<nint, uint, void> s_loopConfigSetMaxThreads;
    private static delegate* unmanaged<nint, void> s_loopConfigDestroy;
    private static delegate* unmanaged<nint, nint> s_requestUserData;
    private static delegate* unmanaged<nint, int, int> s_replyErr;
    private static delegate* unmanaged<nint, void> s_replyNone;
    private static delegate* unmanaged<nint, FuseEntryParam*, int> s_replyEntry;
    private static delegate* unmanaged<nint, Stat*, double, int> s_replyAttr;
    private static delegate* unmanaged<nint, byte*, int> s_replyReadLink;
    private static delegate* unmanaged<nint, FuseFileInfo*, int> s_replyOpen;
    private static delegate* unmanaged<nint, byte*, nuint, int> s_replyBuf;
    private static delegate* unmanaged<nint, StatVfs*, int> s_replyStatFs;
    private static delegate* unmanaged<nint, nuint, int> s_replyXAttr;
    private static delegate* unmanaged<nint, byte*, nuint, byte*, Stat*, long, nuint> s_addDirEntry;
    private static delegate* unmanaged<nint, byte*, nuint, byte*, FuseEntryParam*, long, nuint> s_addDirEntryPlus;
    private static delegate* unmanaged<nint, FuseEntryParam*, FuseFileInfo*, int> s_replyCreate;
    private static delegate* unmanaged<nint, nuint, int> s_replyWrite;
    private static delegate* unmanaged<nint, FuseContext*> s_requestContext;
    private static delegate* unmanaged<nint, ulong, byte*, nuint, int> s_notifyInvalEntry;
    private static delegate* unmanaged<nint, ulong, long, long, int> s_notifyInvalInode;

    /// <summary>True once the library is bound.</summary>
    public static bool IsLoaded => s_loaded;

    /// <summary>Loads and binds libfuse3 if not done yet.</summary>
    /// <exception cref="MountException">LibraryMissing, with an install hint.</exception>
    public static void EnsureLoaded()
    {
        if (s_loaded)
        {
            return;
        }

        lock (Gate)
        {
            if (!s_loaded)
            {
                BindAll(OpenLibrary());
                s_loaded = true;
            }
        }
    }

    private static nint OpenLibrary()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new MountException(MountFailure.LibraryMissing, "FUSE mounts need Linux (libfuse3)");
        }

        if (NativeLibrary.TryLoad(SoName, out nint library))
        {
            return library;
        }

        if (NativeLibrary.TryLoad(NewerSoName, out _))
        {
            throw new MountException(MountFailure.LibraryMissing,
                $"only {NewerSoName} (libfuse 3.17 or newer) is installed; bupfs binds {SoName} (libfuse 3.12-3.16): {InstallHint}");
        }

        throw new MountException(MountFailure.LibraryMissing, $"libfuse3 ({SoName}) is not installed: {InstallHint}");
    }

    private static void BindAll(nint lib)
    {
        s_version = (delegate* unmanaged<int>)Bind(lib, "fuse_version", "FUSE_3.0");
        int version = s_version();
        if (version < MinimumVersion)
        {
            throw new MountException(MountFailure.LibraryMissing,
                $"libfuse {version / 100}.{version % 100} is too old, bupfs needs 3.12 or newer: {InstallHint}");
        }

        BindSession(lib);
        BindReplies(lib);
        BindWriteSide(lib);
    }

    private static void BindSession(nint lib)
    {
        s_optAddArg = (delegate* unmanaged<FuseArgs*, byte*, int>)Bind(lib, "fuse_opt_add_arg", "FUSE_3.0");
        s_optFreeArgs = (delegate* unmanaged<FuseArgs*, void>)Bind(lib, "fuse_opt_free_args", "FUSE_3.0");
        s_sessionNew = (delegate* unmanaged<FuseArgs*, FuseLowLevelOps*, nuint, nint, nint>)Bind(lib, "fuse_session_new", "FUSE_3.0");
        s_sessionMount = (delegate* unmanaged<nint, byte*, int>)Bind(lib, "fuse_session_mount", "FUSE_3.0");
        s_sessionLoopMt = (delegate* unmanaged<nint, nint, int>)Bind(lib, "fuse_session_loop_mt", "FUSE_3.12", "fuse_session_loop_mt_312");
        s_sessionExit = (delegate* unmanaged<nint, void>)Bind(lib, "fuse_session_exit", "FUSE_3.0");
        s_sessionUnmount = (delegate* unmanaged<nint, void>)Bind(lib, "fuse_session_unmount", "FUSE_3.0");
        s_sessionDestroy = (delegate* unmanaged<nint, void>)Bind(lib, "fuse_session_destroy", "FUSE_3.0");
        s_loopConfigCreate = (delegate* unmanaged<nint>)Bind(lib, "fuse_loop_cfg_create", "FUSE_3.12");
        s_loopConfigSetMaxThreads = (delegate* unmanaged<nint, uint, void>)Bind(lib, "fuse_loop_cfg_set_max_threads", "FUSE_3.12");
        s_loopConfigDestroy = (delegate* unmanaged<nint, void>)Bind(lib, "fuse_loop_cfg_destroy", "FUSE_3.12");
        s_requestUserData = (delegate* unmanaged<nint, nint>)Bind(lib, "fuse_req_userdata", "FUSE_3.0");
    }

    private static void BindReplies(nint lib)
    {
        s_replyErr = (delegate* unmanaged<nint, int, int>)Bind(lib, "fuse_reply_err", "FUSE_3.0");
        s_replyNone = (delegate* unmanaged<nint, void>)Bind(lib, "fuse_reply_none", "FUSE_3.0");
        s_replyEntry = (delegate* unmanaged<nint, FuseEntryParam*, int>)Bind(lib, "fuse_reply_entry", "FUSE_3.0");
        s_replyAttr = (delegate* unmanaged<nint, Stat*, double, int>)Bind(lib, "fuse_reply_attr", "FUSE_3.0");
        s_replyReadLink = (delegate* unmanaged<nint, byte*, int>)Bind(lib, "fuse_reply_readlink", "FUSE_3.0");
        s_replyOpen = (delegate* unmanaged<nint, FuseFileInfo*, int>)Bind(lib, "fuse_reply_open", "FUSE_3.0");
        s_replyBuf = (delegate* unmanaged<nint, byte*, nuint, int>)Bind(lib, "fuse_reply_buf", "FUSE_3.0");
        s_replyStatFs = (delegate* unmanaged<nint, StatVfs*, int>)Bind(lib, "fuse_reply_statfs", "FUSE_3.0");
        s_replyXAttr = (delegate* unmanaged<nint, nuint, int>)Bind(lib, "fuse_reply_xattr", "FUSE_3.0");
        s_addDirEntry = (delegate* unmanaged<nint, byte*, nuint, byte*, Stat*, long, nuint>)Bind(lib, "fuse_add_direntry", "FUSE_3.0");
        s_addDirEntryPlus = (delegate* unmanaged<nint, byte*, nuint, byte*, FuseEntryParam*, long, nuint>)Bind(lib, "fuse_add_direntry_plus", "FUSE_3.0");
    }

    /// <summary>What writable mounts need besides the read path (docs/fuse-interop.md, "The write side").</summary>
    private static void BindWriteSide(nint lib)
    {
        s_replyCreate = (delegate* unmanaged<nint, FuseEntryParam*, FuseFileInfo*, int>)Bind(lib, "fuse_reply_create", "FUSE_3.0");
        s_replyWrite = (delegate* unmanaged<nint, nuint, int>)Bind(lib, "fuse_reply_write", "FUSE_3.0");
        s_requestContext = (delegate* unmanaged<nint, FuseContext*>)Bind(lib, "fuse_req_ctx", "FUSE_3.0");
        s_notifyInvalEntry = (delegate* unmanaged<nint, ulong, byte*, nuint, int>)Bind(lib, "fuse_lowlevel_notify_inval_entry", "FUSE_3.0");
        s_notifyInvalInode = (delegate* unmanaged<nint, ulong, long, long, int>)Bind(lib, "fuse_lowlevel_notify_inval_inode", "FUSE_3.0");
    }

    /// <summary>
    /// Resolves <paramref name="symbol"/> at <paramref name="version"/>; without glibc's dlvsym,
    /// falls back to the explicitly versioned export name (which carries the same ABI).
    /// </summary>
    private static nint Bind(nint lib, string symbol, string version, string? versionedName = null)
    {
        nint address = TryDlVSym(lib, symbol, version);
        if (address == 0 && !NativeLibrary.TryGetExport(lib, versionedName ?? symbol, out address))
        {
            throw new MountException(MountFailure.LibraryMissing,
                $"{SoName} does not export {symbol}@{version}; bupfs needs libfuse 3.12-3.16: {InstallHint}");
        }

        return address;
    }

    private static nint TryDlVSym(nint lib, string symbol, string version)
    {
        try
        {
            return LibC.DlVSym(lib, symbol, version);
        }
        catch (EntryPointNotFoundException)
        {
            return 0; // not glibc
        }
    }

    /// <summary><c>fuse_version()</c>, e.g. 314.</summary>
    public static int Version() => s_version();

    /// <summary><c>fuse_opt_add_arg</c>: appends a copy of <paramref name="argument"/>.</summary>
    public static int OptAddArg(FuseArgs* args, string argument)
    {
        fixed (byte* text = NulTerminated(argument))
        {
            return s_optAddArg(args, text);
        }
    }

    /// <summary><c>fuse_opt_free_args</c>; harmless on already-freed args.</summary>
    public static void OptFreeArgs(FuseArgs* args) => s_optFreeArgs(args);

    /// <summary><c>fuse_session_new</c>; copies the ops table. Returns 0 on failure (libfuse printed why).</summary>
    public static nint SessionNew(FuseArgs* args, FuseLowLevelOps* ops, nint userData) =>
        s_sessionNew(args, ops, (nuint)sizeof(FuseLowLevelOps), userData);

    /// <summary><c>fuse_session_mount</c>; 0 on success.</summary>
    public static int SessionMount(nint session, string mountPoint)
    {
        fixed (byte* path = NulTerminated(mountPoint))
        {
            return s_sessionMount(session, path);
        }
    }

    /// <summary><c>fuse_session_loop_mt</c> (FUSE_3.12 ABI): blocks until the session ends.</summary>
    public static int SessionLoopMt(nint session, nint loopConfig) => s_sessionLoopMt(session, loopConfig);

    /// <summary><c>fuse_session_exit</c>: only sets a flag in 3.14 (docs/fuse-interop.md, "Stopping the loop").</summary>
    public static void SessionExit(nint session) => s_sessionExit(session);

    /// <summary><c>fuse_session_unmount</c>; a no-op once the kernel dropped the connection.</summary>
    public static void SessionUnmount(nint session) => s_sessionUnmount(session);

    /// <summary><c>fuse_session_destroy</c>.</summary>
    public static void SessionDestroy(nint session) => s_sessionDestroy(session);

    /// <summary><c>fuse_loop_cfg_create</c>.</summary>
    public static nint LoopConfigCreate() => s_loopConfigCreate();

    /// <summary><c>fuse_loop_cfg_set_max_threads</c>.</summary>
    public static void LoopConfigSetMaxThreads(nint config, uint count) => s_loopConfigSetMaxThreads(config, count);

    /// <summary><c>fuse_loop_cfg_destroy</c>.</summary>
    public static void LoopConfigDestroy(nint config) => s_loopConfigDestroy(config);

    /// <summary><c>fuse_req_userdata</c>: the userdata given to fuse_session_new.</summary>
    public static nint RequestUserData(nint request) => s_requestUserData(request);

    /// <summary><c>fuse_reply_err</c> with a positive errno (0 = success for err-only replies).</summary>
    public static int ReplyErr(nint request, int errno) => s_replyErr(request, errno);

    /// <summary><c>fuse_reply_none</c> (forget).</summary>
    public static void ReplyNone(nint request) => s_replyNone(request);

    /// <summary><c>fuse_reply_entry</c>.</summary>
    public static int ReplyEntry(nint request, FuseEntryParam* entry) => s_replyEntry(request, entry);

    /// <summary><c>fuse_reply_attr</c>.</summary>
    public static int ReplyAttr(nint request, Stat* attributes, double timeout) => s_replyAttr(request, attributes, timeout);

    /// <summary><c>fuse_reply_readlink</c> with a NUL-terminated target.</summary>
    public static int ReplyReadLink(nint request, byte* target) => s_replyReadLink(request, target);

    /// <summary><c>fuse_reply_open</c>; -ENOENT means the open was interrupted and no release will come.</summary>
    public static int ReplyOpen(nint request, FuseFileInfo* info) => s_replyOpen(request, info);

    /// <summary><c>fuse_reply_buf</c>: libfuse writes the bytes out before returning.</summary>
    public static int ReplyBuf(nint request, byte* buffer, nuint size) => s_replyBuf(request, buffer, size);

    /// <summary><c>fuse_reply_statfs</c>.</summary>
    public static int ReplyStatFs(nint request, StatVfs* statistics) => s_replyStatFs(request, statistics);

    /// <summary><c>fuse_reply_xattr</c>: answers a size query.</summary>
    public static int ReplyXAttr(nint request, nuint size) => s_replyXAttr(request, size);

    /// <summary><c>fuse_add_direntry</c>: returns the bytes needed, written only if they fit.</summary>
    public static nuint AddDirEntry(nint request, byte* buffer, nuint size, byte* name, Stat* attributes, long nextOffset) =>
        s_addDirEntry(request, buffer, size, name, attributes, nextOffset);

    /// <summary><c>fuse_add_direntry_plus</c>: like <see cref="AddDirEntry"/>, with a full entry.</summary>
    public static nuint AddDirEntryPlus(nint request, byte* buffer, nuint size, byte* name, FuseEntryParam* entry, long nextOffset) =>
        s_addDirEntryPlus(request, buffer, size, name, entry, nextOffset);

    /// <summary><c>fuse_reply_create</c>: the new entry (one lookup) and the open file; -ENOENT when interrupted.</summary>
    public static int ReplyCreate(nint request, FuseEntryParam* entry, FuseFileInfo* info) => s_replyCreate(request, entry, info);

    /// <summary><c>fuse_reply_write</c>: how many bytes were written.</summary>
    public static int ReplyWrite(nint request, nuint count) => s_replyWrite(request, count);

    /// <summary><c>fuse_req_ctx</c>: the caller of a request, valid until the reply.</summary>
    public static FuseContext RequestContext(nint request) => *s_requestContext(request);

    /// <summary>
    /// <c>fuse_lowlevel_notify_inval_entry</c>: drops the kernel's dentry for <paramref name="name"/>
    /// in <paramref name="parent"/>. 0 or -errno (-ENOENT when the kernel did not know it).
    /// </summary>
    public static int NotifyInvalidateEntry(nint session, ulong parent, ReadOnlySpan<byte> name)
    {
        fixed (byte* text = NulTerminated(name))
        {
            return s_notifyInvalEntry(session, parent, text, (nuint)name.Length);
        }
    }

    /// <summary>
    /// <c>fuse_lowlevel_notify_inval_inode</c>: drops cached attributes and, from <paramref name="offset"/>
    /// for <paramref name="length"/> bytes (0 = to the end; a negative offset keeps the pages), cached data.
    /// </summary>
    public static int NotifyInvalidateInode(nint session, ulong node, long offset, long length) =>
        s_notifyInvalInode(session, node, offset, length);

    private static byte[] NulTerminated(ReadOnlySpan<byte> name)
    {
        var bytes = new byte[name.Length + 1];
        name.CopyTo(bytes);
        return bytes;
    }

    private static byte[] NulTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
