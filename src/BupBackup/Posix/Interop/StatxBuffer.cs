// struct statx from <linux/stat.h>: one layout on every Linux architecture, which is why the layer
// uses statx(2) instead of the per-architecture struct stat.
using System.Runtime.InteropServices;

namespace BupBackup.Posix.Interop;

/// <summary>Mirror of the kernel's 256-byte <c>struct statx</c> (fields after <c>stx_dev_minor</c> are padding here).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct StatxBuffer
{
    public uint Mask;               // stx_mask
    public uint BlockSize;          // stx_blksize
    public ulong Attributes;        // stx_attributes
    public uint Nlink;              // stx_nlink
    public uint Uid;                // stx_uid
    public uint Gid;                // stx_gid
    public ushort Mode;             // stx_mode: type and permission bits
    public ushort Spare0;
    public ulong Ino;               // stx_ino
    public ulong Size;              // stx_size
    public ulong Blocks;            // stx_blocks
    public ulong AttributesMask;    // stx_attributes_mask
    public StatxTimestamp Atime;    // stx_atime
    public StatxTimestamp Btime;    // stx_btime
    public StatxTimestamp Ctime;    // stx_ctime
    public StatxTimestamp Mtime;    // stx_mtime
    public uint RdevMajor;          // stx_rdev_major
    public uint RdevMinor;          // stx_rdev_minor
    public uint DevMajor;           // stx_dev_major
    public uint DevMinor;           // stx_dev_minor
    public fixed ulong Spare[14];   // stx_mnt_id, dio alignments and reserved space

    /// <summary>AT_FDCWD: paths relative to the working directory.</summary>
    public const int AtFdCwd = -100;

    /// <summary>AT_SYMLINK_NOFOLLOW: lstat semantics.</summary>
    public const int AtSymlinkNoFollow = 0x100;

    /// <summary>STATX_BASIC_STATS: everything struct stat has.</summary>
    public const uint BasicStats = 0x7FF;
}

/// <summary>Mirror of <c>struct statx_timestamp</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StatxTimestamp
{
    public long Seconds;      // tv_sec
    public uint Nanoseconds;  // tv_nsec
    public int Reserved;
}
