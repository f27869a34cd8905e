// The 512-byte ustar header block (POSIX.1-2001 "pax Interchange Format", ustar header layout;
// GNU tar's tar.h struct posix_header).
namespace BupBackup.Restore.Tar;

/// <summary>Encodes one ustar header block. Values that do not fit are left to pax records by the caller.</summary>
internal static class UstarHeader
{
    /// <summary>The tar block size.</summary>
    public const int BlockSize = 512;

    /// <summary>Longest name the <c>name</c> field holds.</summary>
    public const int NameLength = 100;

    /// <summary>Longest link name the <c>linkname</c> field holds.</summary>
    public const int LinkNameLength = 100;

    /// <summary>Longest user or group name the fields hold (one byte stays for the NUL).</summary>
    public const int OwnerNameLength = 31;

    /// <summary>Largest size or time the 12-byte octal fields hold (8^11 − 1).</summary>
    public const long MaxLongField = (1L << 33) - 1;

    /// <summary>Largest id or device number the 8-byte octal fields hold (8^7 − 1).</summary>
    public const long MaxShortField = (1L << 21) - 1;

    /// <summary>
    /// Fills <paramref name="block"/> (512 bytes) for a member of type <paramref name="type"/>.
    /// Fields that do not fit are written as 0 or truncated; the caller's pax records carry them.
    /// </summary>
    public static void Write(Span<byte> block, TarEntry entry, byte type, long size)
    {
        block[..BlockSize].Clear();
        Text(block.Slice(Layout.Name, NameLength), entry.Name);
        Octal(block.Slice(Layout.Mode, 8), entry.Mode & 0xFFF);
        Octal(block.Slice(Layout.Uid, 8), Fit(entry.Uid, MaxShortField));
        Octal(block.Slice(Layout.Gid, 8), Fit(entry.Gid, MaxShortField));
        Octal(block.Slice(Layout.Size, 12), Fit(size, MaxLongField));
        Octal(block.Slice(Layout.Mtime, 12), Fit(entry.Mtime.Seconds, MaxLongField));
        block[Layout.Type] = type;
        Text(block.Slice(Layout.LinkName, LinkNameLength), entry.LinkName ?? []);
        "ustar\0"u8.CopyTo(block[Layout.Magic..]);
        "00"u8.CopyTo(block[Layout.Version..]);
        Text(block.Slice(Layout.UserName, OwnerNameLength), entry.UserName);
        Text(block.Slice(Layout.GroupName, OwnerNameLength), entry.GroupName);
        if (entry.Type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            Octal(block.Slice(Layout.DevMajor, 8), Fit(entry.DeviceMajor, MaxShortField));
            Octal(block.Slice(Layout.DevMinor, 8), Fit(entry.DeviceMinor, MaxShortField));
        }

        WriteChecksum(block);
    }

    /// <summary>True when <paramref name="value"/> fits a field of maximum <paramref name="max"/>.</summary>
    public static bool Fits(long value, long max) => value >= 0 && value <= max;

    private static long Fit(long value, long max) => Fits(value, max) ? value : 0;

    // The checksum is computed with its own field as spaces, then written as 6 digits, NUL, space.
    private static void WriteChecksum(Span<byte> block)
    {
        block.Slice(Layout.Checksum, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in block[..BlockSize])
        {
            sum += b;
        }

        Octal(block.Slice(Layout.Checksum, 7), sum);
    }

    private static void Text(Span<byte> field, ReadOnlySpan<byte> value) =>
        value[..Math.Min(value.Length, field.Length)].CopyTo(field);

    // Zero-padded octal digits filling all but the last byte, which stays NUL.
    private static void Octal(Span<byte> field, long value)
    {
        var last = field.Length - 1;
        field[last] = 0;
        for (var i = last - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
    }

    /// <summary>Field offsets of the ustar header.</summary>
    private static class Layout
    {
        public const int Name = 0;
        public const int Mode = Name + NameLength;
        public const int Uid = Mode + 8;
        public const int Gid = Uid + 8;
        public const int Size = Gid + 8;
        public const int Mtime = Size + 12;
        public const int Checksum = Mtime + 12;
        public const int Type = Checksum + 8;
        public const int LinkName = Type + 1;
        public const int Magic = LinkName + LinkNameLength;
        public const int Version = Magic + 6;
        public const int UserName = Version + 2;
        public const int GroupName = UserName + 32;
        public const int DevMajor = GroupName + 32;
        public const int DevMinor = DevMajor + 8;
    }
}
