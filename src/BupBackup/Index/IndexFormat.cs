// The bupfs-index file: bupfs's own cache of filesystem state between saves (the role of bup's
// bupindex + bupindex.meta + bupindex.hlink, in one file). It is a cache: damage of any kind
// makes it count as absent. Format (all integers little-endian):
//   header   "BUPFSIDX" u32 version u32 crc32c(first 12 bytes)
//   records  pre-order: each directory right before its contents, sorted byte-wise by index path
//            (a directory's path ends in '/'), so a subtree is one contiguous run of records
//   links    hardlink groups: (dev, ino) -> the index path that names the group
//   footer   u64 recordsEnd, u64 recordCount, u64 linkCount, u64 reserved, "BUPFSEND",
//            u32 reserved, u32 crc32c(first 44 bytes)
// Every record and link entry starts with its length and a CRC-32C of the rest.
using System.Buffers.Binary;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Index;

/// <summary>Encodes and decodes the parts of the bupfs-index file (layout in the file header comment).</summary>
internal static class IndexFormat
{
    /// <summary>Largest record accepted (name, real path and metadata with xattrs and ACLs).</summary>
    public const int MaxRecordLength = 16 << 20;

    /// <summary>Deepest directory nesting a record may have.</summary>
    public const int MaxDepth = 4096;

    public static ReadOnlySpan<byte> HeaderMagic => "BUPFSIDX"u8;

    public static ReadOnlySpan<byte> FooterMagic => "BUPFSEND"u8;

    /// <summary>Writes the 16-byte header.</summary>
    public static void WriteHeader(Span<byte> dest)
    {
        HeaderMagic.CopyTo(dest);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[8..], Layout.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[12..], Crc32C.Compute(dest[..12]));
    }

    /// <summary>True when <paramref name="header"/> is a header this code can read.</summary>
    public static bool IsValidHeader(ReadOnlySpan<byte> header) =>
        header.Length >= Layout.HeaderLength && header.StartsWith(HeaderMagic)
        && BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) == Layout.Version
        && BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) == Crc32C.Compute(header[..12]);

    /// <summary>Writes the 48-byte footer.</summary>
    public static void WriteFooter(Span<byte> dest, IndexFooter footer)
    {
        dest[..Layout.FooterLength].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(dest, footer.RecordsEnd);
        BinaryPrimitives.WriteInt64LittleEndian(dest[8..], footer.RecordCount);
        BinaryPrimitives.WriteInt64LittleEndian(dest[16..], footer.LinkCount);
        FooterMagic.CopyTo(dest[32..]);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[44..], Crc32C.Compute(dest[..44]));
    }

    /// <summary>Parses a footer; null when it is damaged or inconsistent with the file length.</summary>
    public static IndexFooter? ReadFooter(ReadOnlySpan<byte> footer, long fileLength)
    {
        if (footer.Length != Layout.FooterLength || !footer[32..40].SequenceEqual(FooterMagic)
            || BinaryPrimitives.ReadUInt32LittleEndian(footer[44..]) != Crc32C.Compute(footer[..44]))
        {
            return null;
        }

        var result = new IndexFooter(
            BinaryPrimitives.ReadInt64LittleEndian(footer),
            BinaryPrimitives.ReadInt64LittleEndian(footer[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(footer[16..]));
        var linksEnd = fileLength - Layout.FooterLength;
        var sane = result.RecordsEnd >= Layout.HeaderLength && result.RecordsEnd <= linksEnd
            && result.RecordCount >= 0 && result.RecordCount <= (result.RecordsEnd - Layout.HeaderLength) / Layout.FixedLength
            && result.LinkCount >= 0 && result.LinkCount <= (linksEnd - result.RecordsEnd) / Layout.LinkFixedLength;
        return sane ? result : null;
    }

    /// <summary>The encoded length of <paramref name="r"/> with the given explicit real path.</summary>
    public static int EncodedLength(IndexRecord r, ReadOnlySpan<byte> name, ReadOnlySpan<byte> explicitRealPath) =>
        Layout.FixedLength + name.Length + explicitRealPath.Length + r.Metadata.Length;

    /// <summary>
    /// Encodes <paramref name="r"/> at <paramref name="depth"/> with its last path component
    /// <paramref name="name"/> (without '/') and, when it cannot be derived from the parent, its real path.
    /// </summary>
    public static void Encode(IndexRecord r, int depth, ReadOnlySpan<byte> name, ReadOnlySpan<byte> explicitRealPath, Span<byte> dest)
    {
        var length = EncodedLength(r, name, explicitRealPath);
        if (length > MaxRecordLength || name.Length > ushort.MaxValue || explicitRealPath.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"index record for {NameText.Display(r.Path)} is too large", nameof(r));
        }

        dest = dest[..length];
        BinaryPrimitives.WriteInt32LittleEndian(dest, length);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[Layout.Depth..], (ushort)depth);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[Layout.Flags..], (ushort)r.Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[Layout.NameLength..], (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[Layout.RealPathLength..], (ushort)explicitRealPath.Length);
        BinaryPrimitives.WriteInt32LittleEndian(dest[Layout.MetadataLength..], r.Metadata.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[Layout.GitMode..], (uint)r.GitMode);
        WriteStatus(r.Status, dest);
        r.Id.WriteTo(dest[Layout.Id..]);
        BinaryPrimitives.WriteInt64LittleEndian(dest[Layout.Descendants..], r.Descendants);
        BinaryPrimitives.WriteInt64LittleEndian(dest[Layout.SubtreeBytes..], r.SubtreeBytes);
        name.CopyTo(dest[Layout.FixedLength..]);
        explicitRealPath.CopyTo(dest[(Layout.FixedLength + name.Length)..]);
        r.Metadata.CopyTo(dest[(Layout.FixedLength + name.Length + explicitRealPath.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[4..], Crc32C.Compute(dest[8..]));
    }

    private static void WriteStatus(in FileStatus s, Span<byte> dest)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(dest[Layout.Device..], s.Device);
        BinaryPrimitives.WriteUInt64LittleEndian(dest[Layout.Inode..], s.Inode);
        BinaryPrimitives.WriteUInt64LittleEndian(dest[Layout.LinkCount..], s.LinkCount);
        BinaryPrimitives.WriteUInt64LittleEndian(dest[Layout.Rdev..], s.Rdev);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[Layout.Mode..], s.Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[Layout.Uid..], s.Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[Layout.Gid..], s.Gid);
        BinaryPrimitives.WriteInt64LittleEndian(dest[Layout.Size..], s.Size);
        WriteTime(s.Atime, dest[Layout.Atime..]);
        WriteTime(s.Mtime, dest[Layout.Mtime..]);
        WriteTime(s.Ctime, dest[Layout.Ctime..]);
    }

    private static void WriteTime(BupTimespec t, Span<byte> dest)
    {
        BinaryPrimitives.WriteInt64LittleEndian(dest, t.Seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[8..], t.Nanoseconds);
    }

    /// <summary>The length field of the record starting at <paramref name="data"/>, checked for sanity.</summary>
    public static int ReadLength(ReadOnlySpan<byte> data, string where, long offset)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(data);
        return length is < Layout.FixedLength or > MaxRecordLength
            ? throw new CorruptObjectException(where, $"bad record length {length}", offset)
            : length;
    }

    /// <summary>
    /// Decodes the record in <paramref name="data"/> (exactly its length) whose parent directory has
    /// index path <paramref name="parentPath"/> and real path <paramref name="parentRealPath"/>.
    /// Returns the record and its depth.
    /// </summary>
    /// <exception cref="CorruptObjectException">Bad checksum, lengths or fields.</exception>
    public static (IndexRecord Record, int Depth) Decode(ReadOnlySpan<byte> data, long offset, string where, byte[]? parentPath, byte[]? parentRealPath)
    {
        var fields = ReadFields(data, offset, where);
        var name = data.Slice(Layout.FixedLength, fields.NameLength);
        var explicitReal = data.Slice(Layout.FixedLength + fields.NameLength, fields.RealLength);
        var status = ReadStatus(data);
        var isDir = status.FileType == PosixFileType.Directory;
        CheckName(name, fields.Depth, isDir, where, offset);
        var path = JoinPath(parentPath, name, isDir);
        var record = new IndexRecord
        {
            Path = path,
            RealPath = RealPathOf(fields.Flags, explicitReal, parentPath, parentRealPath, path, where, offset),
            Flags = fields.Flags,
            Status = status,
            GitMode = fields.GitMode,
            Id = ObjectId.FromBytes(data.Slice(Layout.Id, ObjectId.Size)),
            Metadata = data[(Layout.FixedLength + fields.NameLength + fields.RealLength)..].ToArray(),
            Descendants = BinaryPrimitives.ReadInt64LittleEndian(data[Layout.Descendants..]),
            SubtreeBytes = BinaryPrimitives.ReadInt64LittleEndian(data[Layout.SubtreeBytes..]),
            Offset = offset,
            EncodedLength = data.Length,
        };
        CheckSubtree(record, isDir, where, offset);
        return (record, fields.Depth);
    }

    /// <summary>
    /// The record's real path: explicit, or derived from its parent's. Where the parent's real path is
    /// its index path (no graft: nearly always) the derived one is the record's index path, and the
    /// record shares that array instead of building a copy (paths are never changed in place).
    /// </summary>
    private static byte[] RealPathOf(IndexFlags flags, ReadOnlySpan<byte> explicitReal, byte[]? parentPath, byte[]? parentRealPath, byte[] path, string where, long offset)
    {
        var isDir = path[^1] == (byte)'/';
        if ((flags & IndexFlags.Synthetic) != 0)
        {
            return isDir && explicitReal.IsEmpty ? [] : throw new CorruptObjectException(where, "synthetic record with a real path", offset);
        }

        var sameAsParent = parentRealPath is null || ReferenceEquals(parentRealPath, parentPath);
        var real = explicitReal.Length > 0 ? explicitReal.ToArray()
            : sameAsParent ? path
            : DeriveRealPath(parentRealPath, path.AsSpan(parentPath!.Length, path.Length - parentPath.Length - (isDir ? 1 : 0)), isDir);
        return real.Length > 0 && real[0] == (byte)'/' ? real : throw new CorruptObjectException(where, "record without a real path", offset);
    }

    private static RecordFields ReadFields(ReadOnlySpan<byte> data, long offset, string where)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) != Crc32C.Compute(data[8..]))
        {
            throw new CorruptObjectException(where, "record checksum mismatch", offset);
        }

        var fields = new RecordFields(
            BinaryPrimitives.ReadUInt16LittleEndian(data[Layout.Depth..]),
            (IndexFlags)BinaryPrimitives.ReadUInt16LittleEndian(data[Layout.Flags..]),
            BinaryPrimitives.ReadUInt16LittleEndian(data[Layout.NameLength..]),
            BinaryPrimitives.ReadUInt16LittleEndian(data[Layout.RealPathLength..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[Layout.MetadataLength..]),
            (GitFileMode)BinaryPrimitives.ReadUInt32LittleEndian(data[Layout.GitMode..]));
        if (fields.MetadataLength < 0 || (long)Layout.FixedLength + fields.NameLength + fields.RealLength + fields.MetadataLength != data.Length)
        {
            throw new CorruptObjectException(where, "record field lengths do not add up", offset);
        }

        return fields;
    }

    private static FileStatus ReadStatus(ReadOnlySpan<byte> d) => new()
    {
        Device = BinaryPrimitives.ReadUInt64LittleEndian(d[Layout.Device..]),
        Inode = BinaryPrimitives.ReadUInt64LittleEndian(d[Layout.Inode..]),
        LinkCount = BinaryPrimitives.ReadUInt64LittleEndian(d[Layout.LinkCount..]),
        Rdev = BinaryPrimitives.ReadUInt64LittleEndian(d[Layout.Rdev..]),
        Mode = BinaryPrimitives.ReadUInt32LittleEndian(d[Layout.Mode..]),
        Uid = BinaryPrimitives.ReadUInt32LittleEndian(d[Layout.Uid..]),
        Gid = BinaryPrimitives.ReadUInt32LittleEndian(d[Layout.Gid..]),
        Size = BinaryPrimitives.ReadInt64LittleEndian(d[Layout.Size..]),
        Atime = ReadTime(d[Layout.Atime..]),
        Mtime = ReadTime(d[Layout.Mtime..]),
        Ctime = ReadTime(d[Layout.Ctime..]),
    };

    private static BupTimespec ReadTime(ReadOnlySpan<byte> d) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(d), BinaryPrimitives.ReadUInt32LittleEndian(d[8..]));

    private static void CheckName(ReadOnlySpan<byte> name, int depth, bool isDir, string where, long offset)
    {
        var bad = depth == 0
            ? !name.IsEmpty || !isDir
            : name.IsEmpty || name.Contains((byte)'/') || name.Contains((byte)0) || name.SequenceEqual("."u8) || name.SequenceEqual(".."u8);
        if (bad)
        {
            throw new CorruptObjectException(where, $"bad record name '{NameText.Display(name)}' at depth {depth}", offset);
        }
    }

    private static void CheckSubtree(IndexRecord r, bool isDir, string where, long offset)
    {
        var bad = r.Descendants < 0 || r.SubtreeBytes < 0 || (!isDir && (r.Descendants != 0 || r.SubtreeBytes != 0))
            || r.SubtreeBytes < r.Descendants * Layout.FixedLength;
        if (bad)
        {
            throw new CorruptObjectException(where, "bad subtree size", offset);
        }
    }

    /// <summary>parent + name (+ '/' for a directory); "/" for the root.</summary>
    public static byte[] JoinPath(byte[]? parent, ReadOnlySpan<byte> name, bool isDir)
    {
        if (parent is null)
        {
            return "/"u8.ToArray();
        }

        var result = new byte[parent.Length + name.Length + (isDir ? 1 : 0)];
        parent.CopyTo(result, 0);
        name.CopyTo(result.AsSpan(parent.Length));
        if (isDir)
        {
            result[^1] = (byte)'/';
        }

        return result;
    }

    /// <summary>True when <paramref name="real"/> is what <see cref="DeriveRealPath"/> gives (compared without building it).</summary>
    public static bool IsDerivedRealPath(ReadOnlySpan<byte> real, byte[]? parentRealPath, ReadOnlySpan<byte> name, bool isDir)
    {
        if (parentRealPath is null)
        {
            return real.SequenceEqual("/"u8);
        }

        if (parentRealPath.Length == 0)
        {
            return real.IsEmpty;
        }

        var slash = isDir ? 1 : 0;
        return real.Length == parentRealPath.Length + name.Length + slash
            && real.StartsWith(parentRealPath) && real.Slice(parentRealPath.Length, name.Length).SequenceEqual(name)
            && (!isDir || real[^1] == (byte)'/');
    }

    /// <summary>The real path a child inherits from its parent's, or empty under a synthetic parent.</summary>
    public static byte[] DeriveRealPath(byte[]? parentRealPath, ReadOnlySpan<byte> name, bool isDir) =>
        parentRealPath is null ? "/"u8.ToArray() : parentRealPath.Length == 0 ? [] : JoinPath(parentRealPath, name, isDir);

    /// <summary>Encodes one hardlink-group entry.</summary>
    public static byte[] EncodeLink(ulong device, ulong inode, ReadOnlySpan<byte> path)
    {
        var data = new byte[Layout.LinkFixedLength + path.Length];
        BinaryPrimitives.WriteInt32LittleEndian(data, data.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8), device);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), inode);
        path.CopyTo(data.AsSpan(Layout.LinkFixedLength));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), Crc32C.Compute(data.AsSpan(8)));
        return data;
    }

    /// <summary>Decodes one hardlink-group entry (exactly its length).</summary>
    public static (ulong Device, ulong Inode, byte[] Path) DecodeLink(ReadOnlySpan<byte> data, string where, long offset)
    {
        if (data.Length <= Layout.LinkFixedLength || BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) != Crc32C.Compute(data[8..]))
        {
            throw new CorruptObjectException(where, "damaged hardlink entry", offset);
        }

        return (BinaryPrimitives.ReadUInt64LittleEndian(data[8..]), BinaryPrimitives.ReadUInt64LittleEndian(data[16..]),
            data[Layout.LinkFixedLength..].ToArray());
    }

    private readonly record struct RecordFields(int Depth, IndexFlags Flags, int NameLength, int RealLength, int MetadataLength, GitFileMode GitMode);

    /// <summary>Byte offsets within the header, records, link entries and footer.</summary>
    public static class Layout
    {
        public const uint Version = 1;
        public const int HeaderLength = 16;
        public const int FooterLength = 48;
        public const int Depth = 8;
        public const int Flags = Depth + 2;
        public const int NameLength = Flags + 2;
        public const int RealPathLength = NameLength + 2;
        public const int MetadataLength = RealPathLength + 2;
        public const int GitMode = MetadataLength + 4;
        public const int Device = GitMode + 4;
        public const int Inode = Device + 8;
        public const int LinkCount = Inode + 8;
        public const int Rdev = LinkCount + 8;
        public const int Mode = Rdev + 8;
        public const int Uid = Mode + 4;
        public const int Gid = Uid + 4;
        public const int Size = Gid + 4;
        public const int Atime = Size + 8;
        public const int Mtime = Atime + 12;
        public const int Ctime = Mtime + 12;
        public const int Id = Ctime + 12;
        public const int Descendants = Id + 20;
        public const int SubtreeBytes = Descendants + 8;
        public const int FixedLength = SubtreeBytes + 8;
        public const int LinkFixedLength = 24;
    }
}
