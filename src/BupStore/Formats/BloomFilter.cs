using System.Buffers.Binary;
using System.Text;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// bup's bloom filter (<c>objects/pack/bup.bloom</c>, version 2), memory-mapped read-only.
/// Format: docs/formats/midx-bloom.md, "bloom v2"; bup <c>bloom.py</c> (<c>ShaBloom</c>) and C <c>bloom_contains</c>/<c>bloom_add</c>.
/// </summary>
/// <remarks>
/// <para>Layout: "BLOM", version (uint32), bits (uint16: the table is 2^bits <i>bytes</i>), k (uint16,
/// 4 or 5), entries (uint32), the table, then the idx basenames joined by NUL up to the end of the
/// file. Each id sets k bits, addressed by k consecutive 4-byte (k=5) or 5-byte (k=4) slices of it.</para>
/// <para>Only a negative answer is meaningful ("definitely absent"), and only while <see cref="Entries"/>
/// covers every loaded index (see <c>BloomMaintenance.IsUsable</c>). Open validates header, k, bits
/// and that the table fits the file. <see cref="MayContain"/> does not allocate. Thread-safe for
/// concurrent readers; <see cref="Dispose"/> must not race with lookups. The file may be extended in
/// place by <c>bup bloom</c> while mapped: that only sets more bits, so a reader stays correct.</para>
/// </remarks>
public sealed partial class BloomFilter : IDisposable
{
    private readonly MappedFile _file;
    private readonly string[] _idxNames;

    private BloomFilter(MappedFile file, Header header, string[] idxNames)
    {
        _file = file;
        Bits = header.Bits;
        K = header.K;
        Entries = header.Entries;
        _idxNames = idxNames;
    }

    /// <summary>The byte layout of bloom v2 files.</summary>
    internal static class Layout
    {
        public static ReadOnlySpan<byte> Magic => "BLOM"u8;

        public const int SupportedVersion = 2;
        public const int VersionOffset = 4;
        public const int BitsOffset = 8;
        public const int KOffset = 10;
        public const int EntriesOffset = 12;
        public const int TableOffset = 16;

        /// <summary>bup's MAX_BLOOM_BITS: 160/k bits of address per slice minus 3 for the bit number.</summary>
        public static int MaxBits(int k) => k == 4 ? 37 : 29;
    }

    /// <summary>The parsed fixed header.</summary>
    internal readonly record struct Header(int Version, int Bits, int K, long Entries);

    /// <summary>The file this filter was opened from.</summary>
    public string Path => _file.Path;

    /// <summary>log2 of the table size in bytes.</summary>
    public int Bits { get; }

    /// <summary>Bits set per id: 5, or 4 for very large tables.</summary>
    public int K { get; }

    /// <summary>Number of ids added (duplicates counted), as recorded in the header.</summary>
    public long Entries { get; }

    /// <summary>The idx basenames whose ids were added, in file order.</summary>
    public IReadOnlyList<string> IdxNames => _idxNames;

    /// <summary>
    /// Maps and validates a bloom file; a version other than 2 is a <see cref="CorruptObjectException"/>
    /// here (use <see cref="TryOpen"/> to tell it apart).
    /// </summary>
    public static BloomFilter Open(string path) =>
        TryOpen(path, out var version)
        ?? throw new CorruptObjectException(path, $"unsupported bloom version {version}", Layout.VersionOffset);

    /// <summary>
    /// Maps and validates a bloom file. Returns null, with <paramref name="version"/> set, for a bloom of
    /// another version (bup ignores those); throws <see cref="CorruptObjectException"/> naming the file
    /// when it is damaged: bad magic, k not 4 or 5, bits 0 or above the maximum for k, or a table that
    /// does not fit the file.
    /// </summary>
    public static BloomFilter? TryOpen(string path, out int version)
    {
        var file = MappedFile.OpenRead(path);
        try
        {
            var header = ReadHeader(file.Path, file.Length, file.Length >= Layout.TableOffset ? file.Read(0, Layout.TableOffset) : []);
            version = header.Version;
            if (version != Layout.SupportedVersion)
            {
                file.Dispose();
                return null;
            }

            var namesOffset = Layout.TableOffset + (1L << header.Bits);
            return new BloomFilter(file, header, ReadNames(file, namesOffset));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Parses and checks the 16-byte header of a file of <paramref name="fileLength"/> bytes. The
    /// bits/k/length checks are skipped for other versions, whose layout is unknown.
    /// </summary>
    internal static Header ReadHeader(string path, long fileLength, ReadOnlySpan<byte> header)
    {
        if (header.Length < Layout.TableOffset || !header[..4].SequenceEqual(Layout.Magic))
        {
            throw new CorruptObjectException(path, "not a bloom filter (bad BLOM header)", 0);
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(header[Layout.VersionOffset..]);
        var result = new Header(version > int.MaxValue ? int.MaxValue : (int)version,
            BinaryPrimitives.ReadUInt16BigEndian(header[Layout.BitsOffset..]),
            BinaryPrimitives.ReadUInt16BigEndian(header[Layout.KOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(header[Layout.EntriesOffset..]));
        if (result.Version == Layout.SupportedVersion)
        {
            CheckGeometry(path, fileLength, result);
        }

        return result;
    }

    private static void CheckGeometry(string path, long fileLength, Header header)
    {
        if (header.K is not (4 or 5))
        {
            throw new CorruptObjectException(path, $"k = {header.K} (only 4 and 5 exist)", Layout.KOffset);
        }

        if (header.Bits == 0 || header.Bits > Layout.MaxBits(header.K))
        {
            throw new CorruptObjectException(path, $"bits = {header.Bits} out of range for k = {header.K}", Layout.BitsOffset);
        }

        if (fileLength - Layout.TableOffset < 1L << header.Bits)
        {
            throw new CorruptObjectException(path,
                $"table of 2^{header.Bits} bytes does not fit a file of {fileLength} bytes", Layout.TableOffset);
        }
    }

    /// <summary>The NUL-separated name list up to EOF (none when empty, as bup reads it).</summary>
    private static string[] ReadNames(MappedFile file, long offset)
    {
        var length = file.Length - offset;
        if (length > int.MaxValue)
        {
            throw new CorruptObjectException(file.Path, $"name list of {length} bytes is too large", offset);
        }

        return ParseNames(file.Read(offset, (int)length));
    }

    internal static string[] ParseNames(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return [];
        }

        var names = new List<string>();
        foreach (var range in bytes.Split((byte)0))
        {
            names.Add(Encoding.UTF8.GetString(bytes[range]));
        }

        return [.. names];
    }

    /// <summary>
    /// False when <paramref name="id"/> was definitely never added; true when it may have been.
    /// </summary>
    public bool MayContain(ObjectId id)
    {
        Span<byte> raw = stackalloc byte[ObjectId.Size];
        id.WriteTo(raw);
        var step = ObjectId.Size / K;
        for (var slice = 0; slice < ObjectId.Size; slice += step)
        {
            var (offset, mask) = Address(raw[slice..], Bits, K);
            if ((_file.ReadByte(Layout.TableOffset + offset) & mask) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The table byte and bit mask one slice of an id selects (bup <c>to_bloom_address_bitmask4/5</c>):
    /// the top <paramref name="bits"/> bits of the 32-bit (k=5) or 40-bit (k=4) big-endian slice pick
    /// the byte, the next 3 bits the bit.
    /// </summary>
    internal static (long Offset, byte Mask) Address(ReadOnlySpan<byte> slice, int bits, int k)
    {
        if (k == 5)
        {
            var raw5 = BinaryPrimitives.ReadUInt32BigEndian(slice);
            return ((long)((raw5 >> (32 - bits)) & ((1UL << bits) - 1)), (byte)(1 << (int)((raw5 >> (29 - bits)) & 7)));
        }

        var raw4 = ((ulong)BinaryPrimitives.ReadUInt32BigEndian(slice) << 8) | slice[4];
        return ((long)((raw4 >> (40 - bits)) & ((1UL << bits) - 1)), (byte)(1 << (int)((raw4 >> (37 - bits)) & 7)));
    }

    /// <summary>bup's <c>pfalse_positive</c>: the false-positive rate in percent after adding <paramref name="additional"/> ids.</summary>
    public double FalsePositivePercent(long additional = 0) => FalsePositivePercent(Bits, K, Entries + additional);

    /// <summary>bup's formula <c>100 * (1 - exp(-k*n/m))^k</c> with m = 8 * 2^bits table bits.</summary>
    public static double FalsePositivePercent(int bits, int k, long entries)
    {
        var m = 8 * Math.Pow(2, bits);
        return 100 * Math.Pow(1 - Math.Exp(-k * (double)entries / m), k);
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
