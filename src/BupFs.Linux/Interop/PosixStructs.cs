// Mirrors of the glibc x86_64 structs the FUSE protocol carries. Offsets are restated from
// docs/fuse-interop.md, "Layouts (x86_64, glibc, libfuse 3.14)" (measured against glibc 2.36);
// tests/BupFs.Linux.Tests/InteropLayoutTests.cs pins every one of them.
using System.Runtime.InteropServices;

namespace BupFs.Linux.Interop;

/// <summary><c>struct timespec</c>: 16 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct Timespec
{
    /// <summary><c>tv_sec</c> (time_t, signed).</summary>
    [FieldOffset(0)] public long Seconds;

    /// <summary><c>tv_nsec</c>, 0..999,999,999.</summary>
    [FieldOffset(8)] public long Nanoseconds;
}

/// <summary>
/// <c>struct stat</c> as glibc lays it out on x86_64: 144 bytes, st_nlink before st_mode.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct Stat
{
    /// <summary><c>st_dev</c>; the kernel ignores what a FUSE daemon puts here.</summary>
    [FieldOffset(0)] public ulong Device;

    /// <summary><c>st_ino</c>.</summary>
    [FieldOffset(8)] public ulong Inode;

    /// <summary><c>st_nlink</c>.</summary>
    [FieldOffset(16)] public ulong LinkCount;

    /// <summary><c>st_mode</c>: S_IFMT type bits plus permissions.</summary>
    [FieldOffset(24)] public uint Mode;

    /// <summary><c>st_uid</c>.</summary>
    [FieldOffset(28)] public uint Uid;

    /// <summary><c>st_gid</c>.</summary>
    [FieldOffset(32)] public uint Gid;

    /// <summary><c>st_rdev</c>: device number of character/block device nodes.</summary>
    [FieldOffset(40)] public ulong RawDevice;

    /// <summary><c>st_size</c>.</summary>
    [FieldOffset(48)] public long Size;

    /// <summary><c>st_blksize</c>: preferred I/O size, which cp/cat use for their buffers.</summary>
    [FieldOffset(56)] public long BlockSize;

    /// <summary><c>st_blocks</c>, in 512-byte units.</summary>
    [FieldOffset(64)] public long Blocks;

    /// <summary><c>st_atim</c>.</summary>
    [FieldOffset(72)] public Timespec AccessTime;

    /// <summary><c>st_mtim</c>.</summary>
    [FieldOffset(88)] public Timespec ModifyTime;

    /// <summary><c>st_ctim</c>.</summary>
    [FieldOffset(104)] public Timespec ChangeTime;
}

/// <summary><c>struct statvfs</c> (glibc x86_64): 112 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal struct StatVfs
{
    /// <summary><c>f_bsize</c>: preferred block size.</summary>
    [FieldOffset(0)] public ulong BlockSize;

    /// <summary><c>f_frsize</c>: the unit of the block counts.</summary>
    [FieldOffset(8)] public ulong FragmentSize;

    /// <summary><c>f_blocks</c>.</summary>
    [FieldOffset(16)] public ulong Blocks;

    /// <summary><c>f_bfree</c>.</summary>
    [FieldOffset(24)] public ulong FreeBlocks;

    /// <summary><c>f_bavail</c>: free blocks for unprivileged users.</summary>
    [FieldOffset(32)] public ulong AvailableBlocks;

    /// <summary><c>f_files</c>.</summary>
    [FieldOffset(40)] public ulong Files;

    /// <summary><c>f_ffree</c>.</summary>
    [FieldOffset(48)] public ulong FreeFiles;

    /// <summary><c>f_favail</c>.</summary>
    [FieldOffset(56)] public ulong AvailableFiles;

    /// <summary><c>f_fsid</c>; the kernel fills it, FUSE does not forward it.</summary>
    [FieldOffset(64)] public ulong FsId;

    /// <summary><c>f_flag</c>; the kernel derives it from the mount flags.</summary>
    [FieldOffset(72)] public ulong Flags;

    /// <summary><c>f_namemax</c>.</summary>
    [FieldOffset(80)] public ulong NameMax;
}
