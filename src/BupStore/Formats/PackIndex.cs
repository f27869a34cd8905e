using System.Security.Cryptography;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// A git pack index (<c>pack-*.idx</c>, versions 2 and 1), memory-mapped and validated on open.
/// Format: docs/formats/pack-and-idx.md; git <c>Documentation/gitformat-pack.adoc</c>; bup <c>git.PackIdxV1</c>/<c>PackIdxV2</c>.
/// </summary>
/// <remarks>
/// <para>Open checks the header, the version, that the fanout is monotonic, that the tables it implies
/// fit the file exactly (a v2 file may only add whole 64-bit offset entries) — before any lookup.
/// Later reads are still bounds-checked; a 64-bit offset index beyond that table is reported when
/// the offset is read. Nothing is copied into managed memory except the 1 KiB fanout.</para>
/// <para>Lookups (<see cref="TryFind"/>, <see cref="Contains"/>) are fanout + binary search and do not
/// allocate. Thread-safe for concurrent readers; <see cref="Dispose"/> must not race with lookups.</para>
/// </remarks>
public sealed partial class PackIndex : IDisposable, ISortedIdTable
{
    private readonly MappedFile _file;
    private readonly uint[] _fanout;
    private readonly long _idsOffset;
    private readonly int _idStride;
    private readonly long _crcOffset;
    private readonly long _offsetsOffset;
    private readonly long _offsets64Offset;
    private readonly long _offsets64Count;

    private PackIndex(MappedFile file, int version, uint[] fanout)
    {
        _file = file;
        _fanout = fanout;
        Version = version;
        Count = (int)fanout[255];
        if (version == 2)
        {
            _idsOffset = Layout.V2FanoutOffset + Layout.FanoutBytes;
            _idStride = ObjectId.Size;
            _crcOffset = _idsOffset + ((long)Count * ObjectId.Size);
            _offsetsOffset = _crcOffset + (4L * Count);
            _offsets64Offset = _offsetsOffset + (4L * Count);
            _offsets64Count = (file.Length - Layout.TrailerBytes - _offsets64Offset) / 8;
        }
        else
        {
            _idsOffset = Layout.FanoutBytes + 4;
            _idStride = Layout.V1EntryBytes;
            _offsetsOffset = Layout.FanoutBytes;
        }
    }

    /// <summary>The byte layout of idx files.</summary>
    internal static class Layout
    {
        /// <summary>idx v2 magic "\377tOc".</summary>
        public static ReadOnlySpan<byte> Magic => [0xFF, 0x74, 0x4F, 0x63];

        public const int FanoutEntries = 256;
        public const int FanoutBytes = FanoutEntries * 4;
        public const int V2FanoutOffset = 8;
        public const int V1EntryBytes = 4 + ObjectId.Size;
        public const int TrailerBytes = 2 * ObjectId.Size;
        public const int V2FixedBytes = V2FanoutOffset + FanoutBytes + TrailerBytes;
        public const int V1FixedBytes = FanoutBytes + TrailerBytes;
        public const int V2BytesPerObject = ObjectId.Size + 4 + 4;
        public const uint LargeOffsetFlag = 0x8000_0000;
    }

    /// <summary>The file this index was opened from.</summary>
    public string Path => _file.Path;

    /// <summary>The idx format version: 2, or 1 for the headerless legacy format.</summary>
    public int Version { get; }

    /// <summary>Number of objects in the index (fanout[255]).</summary>
    public int Count { get; }

    /// <summary>True when the index has a CRC-32 table (version 2).</summary>
    public bool HasCrc32 => Version == 2;

    /// <summary>The SHA-1 trailer of the pack this index describes (also the pack's name).</summary>
    public ObjectId PackChecksum => ObjectId.FromBytes(_file.Read(_file.Length - Layout.TrailerBytes, ObjectId.Size));

    /// <summary>
    /// Maps and validates an idx file. Throws <see cref="CorruptObjectException"/> naming the file for
    /// anything malformed (short file, unknown version, non-monotonic fanout, tables not matching the
    /// file length); I/O errors propagate as <see cref="IOException"/>.
    /// </summary>
    public static PackIndex Open(string path)
    {
        var file = MappedFile.OpenRead(path);
        try
        {
            var version = ReadVersion(file);
            var fanout = ReadFanout(file, version == 2 ? Layout.V2FanoutOffset : 0);
            ValidateLength(file, version, fanout[255]);
            return new PackIndex(file, version, fanout);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static int ReadVersion(MappedFile file)
    {
        if (file.Length < Layout.V1FixedBytes)
        {
            throw new CorruptObjectException(file.Path, $"too short for an idx ({file.Length} bytes)");
        }

        if (!file.Read(0, 4).SequenceEqual(Layout.Magic))
        {
            return 1; // v1 has no header: the file starts with the fanout
        }

        var version = file.ReadUInt32BigEndian(4);
        if (version != 2)
        {
            throw new CorruptObjectException(file.Path, $"unsupported idx version {version}", 4);
        }

        return 2;
    }

    private static uint[] ReadFanout(MappedFile file, long offset)
    {
        var fanout = new uint[Layout.FanoutEntries];
        uint previous = 0;
        for (var i = 0; i < fanout.Length; i++)
        {
            var value = file.ReadUInt32BigEndian(offset + (4L * i));
            if (value < previous)
            {
                throw new CorruptObjectException(file.Path,
                    $"fanout not monotonic: entry {i} is {value} after {previous}", offset + (4L * i));
            }

            fanout[i] = previous = value;
        }

        if (fanout[255] > int.MaxValue)
        {
            throw new CorruptObjectException(file.Path, $"object count {fanout[255]} too large", offset + 1020);
        }

        return fanout;
    }

    private static void ValidateLength(MappedFile file, int version, long count)
    {
        if (version == 1)
        {
            var expected = Layout.V1FixedBytes + (count * Layout.V1EntryBytes);
            if (file.Length != expected)
            {
                throw new CorruptObjectException(file.Path,
                    $"idx v1 with {count} objects must be {expected} bytes, is {file.Length}");
            }

            return;
        }

        var minimum = Layout.V2FixedBytes + (count * Layout.V2BytesPerObject);
        var extra = file.Length - minimum;
        // Like git: whole 64-bit entries only, and at most count-1 of them (the first object of a
        // pack always sits at offset 12).
        var maxLarge = Math.Max(count - 1, 0);
        if (extra < 0 || extra % 8 != 0 || extra / 8 > maxLarge)
        {
            throw new CorruptObjectException(file.Path,
                $"idx v2 with {count} objects cannot be {file.Length} bytes (expected {minimum} + 8 per 64-bit offset)");
        }
    }

    /// <summary>Finds an object's pack offset. False when the id is not in this index.</summary>
    public bool TryFind(ObjectId id, out long packOffset)
    {
        var index = FindIndex(id);
        if (index < 0)
        {
            packOffset = 0;
            return false;
        }

        packOffset = GetOffset(index);
        return true;
    }

    /// <summary>True when the id is in this index.</summary>
    public bool Contains(ObjectId id) => FindIndex(id) >= 0;

    /// <summary>The position of <paramref name="id"/> in the sorted id table, or -1.</summary>
    public int FindIndex(ObjectId id)
    {
        var bucket = id.FirstByte;
        var low = bucket == 0 ? 0 : (int)_fanout[bucket - 1];
        var high = (int)_fanout[bucket];
        return SortedIdSearch.Find(this, id, low, high);
    }

    /// <summary>The id at position <paramref name="index"/> of the sorted id table.</summary>
    public ObjectId GetId(int index) => ObjectId.FromBytes(GetIdBytes(index));

    /// <summary>
    /// The pack offset of the object at <paramref name="index"/>. A 64-bit offset reference outside the
    /// 64-bit table, or an offset beyond 2^63, is a <see cref="CorruptObjectException"/>.
    /// </summary>
    public long GetOffset(int index)
    {
        CheckIndex(index);
        var entry = _offsetsOffset + ((long)index * (Version == 2 ? 4 : Layout.V1EntryBytes));
        var small = _file.ReadUInt32BigEndian(entry);
        if (Version == 1 || (small & Layout.LargeOffsetFlag) == 0)
        {
            return small;
        }

        var large = small & ~Layout.LargeOffsetFlag;
        if (large >= _offsets64Count)
        {
            throw new CorruptObjectException(Path,
                $"64-bit offset index {large} out of range ({_offsets64Count} entries)", entry);
        }

        var value = _file.ReadUInt64BigEndian(_offsets64Offset + (8L * large));
        if (value > long.MaxValue)
        {
            throw new CorruptObjectException(Path, $"pack offset {value} too large", _offsets64Offset + (8L * large));
        }

        return (long)value;
    }

    /// <summary>
    /// The CRC-32 of the object's raw bytes in the pack (idx v2 only; <see cref="HasCrc32"/>).
    /// </summary>
    public uint GetCrc32(int index)
    {
        if (Version != 2)
        {
            throw new InvalidOperationException($"{Path}: idx v1 has no CRC-32 table");
        }

        CheckIndex(index);
        return _file.ReadUInt32BigEndian(_crcOffset + (4L * index));
    }

    /// <summary>True when the idx's own SHA-1 trailer matches its content (reads the whole file).</summary>
    public bool VerifyChecksum()
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var end = _file.Length - ObjectId.Size;
        const int Chunk = 1 << 20;
        for (long offset = 0; offset < end; offset += Chunk)
        {
            sha1.AppendData(_file.Read(offset, (int)Math.Min(Chunk, end - offset)));
        }

        Span<byte> digest = stackalloc byte[ObjectId.Size];
        sha1.GetHashAndReset(digest);
        return digest.SequenceEqual(_file.Read(end, ObjectId.Size));
    }

    /// <summary>The 20 raw bytes of the id at <paramref name="index"/> (no copy).</summary>
    ReadOnlySpan<byte> ISortedIdTable.GetIdBytes(int index) => GetIdBytes(index);

    internal ReadOnlySpan<byte> GetIdBytes(int index)
    {
        CheckIndex(index);
        return _file.Read(_idsOffset + ((long)index * _idStride), ObjectId.Size);
    }

    private void CheckIndex(int index) => ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
