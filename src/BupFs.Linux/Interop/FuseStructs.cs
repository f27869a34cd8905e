// Mirrors of the libfuse 3.14 (libfuse3.so.3) structs the low-level API exchanges with us.
// Offsets as listed in docs/fuse-interop.md, "Layouts (x86_64, glibc, libfuse 3.14)";
// InteropLayoutTests pins them. libfuse allocates fuse_file_info and fuse_conn_info itself and
// only hands us pointers, so only the offsets we touch matter, but the sizes are pinned too.
using System.Runtime.InteropServices;

namespace BupFs.Linux.Interop;

/// <summary><c>struct fuse_file_info</c>: 40 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct FuseFileInfo
{
    /// <summary>Bit 1 of <see cref="Bits"/>: bypass the page cache for this handle.</summary>
    public const uint DirectIo = 1u << 1;

    /// <summary>Bit 2: keep cached pages across opens (useless on directories).</summary>
    public const uint KeepCache = 1u << 2;

    /// <summary>Bit 6 (opendir only): let the kernel cache the listing.</summary>
    public const uint CacheReaddir = 1u << 6;

    /// <summary>Bit 7: no FLUSH request is needed when this handle is closed.</summary>
    public const uint NoFlush = 1u << 7;

    /// <summary>open(2) flags (O_ACCMODE, O_TRUNC...).</summary>
    [FieldOffset(0)] public int Flags;

    /// <summary>The C bit-field word (writepage, direct_io, keep_cache, flush, ...).</summary>
    [FieldOffset(4)] public uint Bits;

    /// <summary>Our handle number, set in open/opendir and passed back on every request.</summary>
    [FieldOffset(16)] public ulong Handle;

    /// <summary><c>lock_owner</c>.</summary>
    [FieldOffset(24)] public ulong LockOwner;

    /// <summary><c>poll_events</c>.</summary>
    [FieldOffset(32)] public uint PollEvents;
}

/// <summary><c>struct fuse_entry_param</c>: 176 bytes; the answer to lookup and readdirplus.</summary>
[StructLayout(LayoutKind.Explicit, Size = 176)]
internal struct FuseEntryParam
{
    /// <summary>Node id; 0 makes a negative entry that the kernel caches for EntryTimeout.</summary>
    [FieldOffset(0)] public ulong Inode;

    /// <summary>Generation of the node id (only NFS export cares).</summary>
    [FieldOffset(8)] public ulong Generation;

    /// <summary>The attributes.</summary>
    [FieldOffset(16)] public Stat Attributes;

    /// <summary>Seconds the kernel may trust <see cref="Attributes"/>.</summary>
    [FieldOffset(160)] public double AttributeTimeout;

    /// <summary>Seconds the kernel may trust the name → node binding.</summary>
    [FieldOffset(168)] public double EntryTimeout;
}

/// <summary><c>struct fuse_conn_info</c>: 128 bytes, handed to init for negotiation.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct FuseConnInfo
{
    /// <summary>Kernel protocol major version (read-only).</summary>
    [FieldOffset(0)] public uint ProtocolMajor;

    /// <summary>Kernel protocol minor version (read-only).</summary>
    [FieldOffset(4)] public uint ProtocolMinor;

    /// <summary>Largest write; also sets max_pages, hence the largest read request.</summary>
    [FieldOffset(8)] public uint MaxWrite;

    /// <summary>Largest read; must match <c>-o max_read</c> when set, so we leave it 0.</summary>
    [FieldOffset(12)] public uint MaxRead;

    /// <summary>Readahead ceiling; may only be lowered.</summary>
    [FieldOffset(16)] public uint MaxReadahead;

    /// <summary>FUSE_CAP_* the kernel supports (read-only).</summary>
    [FieldOffset(20)] public uint Capable;

    /// <summary>FUSE_CAP_* we want; preset by libfuse, must stay within <see cref="Capable"/>.</summary>
    [FieldOffset(24)] public uint Want;

    /// <summary>Kernel background request limit (0 = default).</summary>
    [FieldOffset(28)] public uint MaxBackground;

    /// <summary>Congestion threshold (0 = default).</summary>
    [FieldOffset(32)] public uint CongestionThreshold;

    /// <summary>Timestamp granularity in ns (1 = full nanoseconds).</summary>
    [FieldOffset(36)] public uint TimeGranularity;
}

/// <summary><c>struct fuse_ctx</c>: 16 bytes, what <c>fuse_req_ctx</c> points at.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct FuseContext
{
    /// <summary>The caller's effective user id (fsuid).</summary>
    [FieldOffset(0)] public uint Uid;

    /// <summary>The caller's effective group id (fsgid).</summary>
    [FieldOffset(4)] public uint Gid;

    /// <summary>The calling thread's id.</summary>
    [FieldOffset(8)] public int Pid;

    /// <summary>The caller's umask, for create/mkdir/mknod only (protocol 7.12+); 0 for other requests.</summary>
    [FieldOffset(12)] public uint Umask;
}

/// <summary><c>struct fuse_args</c>: 24 bytes; filled by fuse_opt_add_arg, freed by fuse_opt_free_args.</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct FuseArgs
{
    /// <summary><c>argc</c>.</summary>
    [FieldOffset(0)] public int Count;

    /// <summary><c>argv</c> (char **), owned by libfuse.</summary>
    [FieldOffset(8)] public nint Values;

    /// <summary><c>allocated</c>: non-zero when libfuse owns argv.</summary>
    [FieldOffset(16)] public int Allocated;
}

/// <summary><c>struct fuse_forget_data</c>: 16 bytes, one element of a forget_multi batch.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct FuseForgetData
{
    /// <summary>The node id.</summary>
    [FieldOffset(0)] public ulong Inode;

    /// <summary>How many lookup references to drop.</summary>
    [FieldOffset(8)] public ulong Count;
}

/// <summary>FUSE_CAP_* bits of <see cref="FuseConnInfo.Capable"/>/<see cref="FuseConnInfo.Want"/> (fuse_common.h; docs/fuse-interop.md, "struct fuse_conn_info and the FUSE_CAP bits").</summary>
internal static class FuseCapability
{
    /// <summary>Several reads in flight per handle (readahead parallelism).</summary>
    public const uint AsyncRead = 0x1;

    /// <summary>Reply path through splice(2); only pays off for fd-backed data.</summary>
    public const uint SpliceWrite = 0x80;

    /// <summary>Move pages instead of copying when splicing.</summary>
    public const uint SpliceMove = 0x100;

    /// <summary>O_TRUNC travels inside open instead of a setattr(size=0) after it; preset on by libfuse.</summary>
    public const uint AtomicOpenTruncate = 0x8;

    /// <summary>The kernel leaves the umask to us (create/mkdir/mknod modes arrive unmasked).</summary>
    public const uint DontMask = 0x40;

    /// <summary>Page-cache writeback: the kernel batches writes and owns mtime/size.</summary>
    public const uint WritebackCache = 0x10000;

    /// <summary>We, not the kernel, clear setuid/setgid on write/chown/truncate; preset on by libfuse.</summary>
    public const uint HandleKillPriv = 0x100000;

    /// <summary>A changed mtime/size seen through getattr drops the cached pages.</summary>
    public const uint AutoInvalidateData = 0x1000;

    /// <summary>READDIRPLUS requests.</summary>
    public const uint ReaddirPlus = 0x2000;

    /// <summary>The kernel picks readdir or readdirplus adaptively.</summary>
    public const uint ReaddirPlusAuto = 0x4000;

    /// <summary>Concurrent lookup/readdir in one directory.</summary>
    public const uint ParallelDirOps = 0x40000;

    /// <summary>Cache readlink answers in the page cache.</summary>
    public const uint CacheSymlinks = 0x800000;
}
