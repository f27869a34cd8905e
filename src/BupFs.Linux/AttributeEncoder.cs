using BupFs.Linux.Interop;

namespace BupFs.Linux;

/// <summary>Turns neutral <see cref="NodeAttributes"/> into the kernel's struct stat.</summary>
internal static class AttributeEncoder
{
    /// <summary>st_blksize we report: coreutils size their copy buffers from it.</summary>
    public const long PreferredIoSize = 128 * 1024;

    private const uint PermissionBits = 0xFFF; // 07777: rwx for all + setuid/setgid/sticky

    /// <summary>The S_IFMT bits for a node kind.</summary>
    public static uint TypeBits(NodeKind kind) => kind switch
    {
        NodeKind.Fifo => 0x1000,
        NodeKind.CharDevice => 0x2000,
        NodeKind.Directory => 0x4000,
        NodeKind.BlockDevice => 0x6000,
        NodeKind.File => 0x8000,
        NodeKind.Symlink => 0xA000,
        NodeKind.Socket => 0xC000,
        _ => throw new FsException(FsError.Io, $"unknown node kind {kind}"),
    };

    /// <summary>
    /// Fills <paramref name="stat"/>. The type comes from <see cref="NodeAttributes.Kind"/>
    /// (so stat and readdir always agree), the permissions from <see cref="NodeAttributes.Mode"/>.
    /// </summary>
    public static void Encode(in NodeAttributes attributes, out Stat stat)
    {
        stat = default;
        stat.Inode = attributes.Inode;
        stat.Mode = TypeBits(attributes.Kind) | (attributes.Mode & PermissionBits);
        stat.LinkCount = Math.Max(attributes.LinkCount, 1u);
        stat.Uid = attributes.Uid;
        stat.Gid = attributes.Gid;
        stat.RawDevice = attributes.RawDevice;
        stat.Size = Math.Max(attributes.Size, 0);
        stat.BlockSize = PreferredIoSize;
        stat.Blocks = (stat.Size + 511) / 512;
        stat.AccessTime = Encode(attributes.AccessTime);
        stat.ModifyTime = Encode(attributes.ModifyTime);
        stat.ChangeTime = Encode(attributes.ChangeTime);
    }

    /// <summary>Fills a lookup/readdirplus answer, timeouts included.</summary>
    public static void Encode(in NodeAttributes attributes, CachePolicy policy, out FuseEntryParam entry)
    {
        entry = default;
        entry.Inode = attributes.Inode;
        Encode(attributes, out entry.Attributes);
        entry.AttributeTimeout = entry.EntryTimeout = policy.TimeoutFor(attributes);
    }

    private static Timespec Encode(FsTime time) => new()
    {
        Seconds = time.Seconds,
        Nanoseconds = Math.Min(time.Nanoseconds, 999_999_999u),
    };
}
