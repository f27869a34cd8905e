using System.Text;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// A bup multi-pack index (<c>midx-*.midx</c>, version 4), memory-mapped and validated on open.
/// Format: docs/formats/midx-bloom.md, "midx v4"; bup <c>midx.py</c> (<c>PackMidx</c>) and <c>cmd/midx.py</c>.
/// </summary>
/// <remarks>
/// <para>Layout: "MIDX", version, bits, a table of 2^bits cumulative counts keyed by the top
/// <c>bits</c> bits of an id, the sorted ids, one uint32 "which" per id (index into the name list),
/// then the idx basenames joined by NUL up to the end of the file. A midx records which idx holds an
/// object, not where: callers look the object up again in that idx.</para>
/// <para>Open validates the header, that the table is monotonic and that the id and which tables fit
/// the file. A which value outside the name list is reported when it is read. A midx is only
/// <i>usable</i> when every idx it names exists next to it (<see cref="FindMissingIdx"/>); this type
/// does not check that on open, the lookup chain (<c>MidxMaintenance.SelectIndexes</c>) does.</para>
/// <para>Lookups do not allocate. Thread-safe for concurrent readers; <see cref="Dispose"/> must not
/// race with lookups.</para>
/// </remarks>
public sealed partial class MultiPackIndex : IDisposable, ISortedIdTable
{
    private readonly MappedFile _file;
    private readonly string[] _idxNames;
    private readonly long _idsOffset;
    private readonly long _whichOffset;

    private MultiPackIndex(MappedFile file, int bits, int count, string[] idxNames)
    {
        _file = file;
        Bits = bits;
        Count = count;
        _idxNames = idxNames;
        _idsOffset = Layout.TableOffset + (4L << bits);
        _whichOffset = _idsOffset + ((long)count * ObjectId.Size);
    }

    /// <summary>The byte layout of midx v4 files.</summary>
    internal static class Layout
    {
        public static ReadOnlySpan<byte> Magic => "MIDX"u8;

        public const int SupportedVersion = 4;
        public const int VersionOffset = 4;
        public const int BitsOffset = 8;
        public const int TableOffset = 12;
        public const int BytesPerObject = ObjectId.Size + 4;

        /// <summary>bup's cap is implied by a uint32 count; more than 32 bits cannot address anything.</summary>
        public const int MaxBits = 32;
    }

    /// <summary>The file this midx was opened from.</summary>
    public string Path => _file.Path;

    /// <summary>Number of ids (duplicates across idx files included).</summary>
    public int Count { get; }

    /// <summary>Width of the lookup-table prefix: the table has 2^Bits entries.</summary>
    public int Bits { get; }

    /// <summary>The idx basenames this midx covers, in file order (the targets of "which").</summary>
    public IReadOnlyList<string> IdxNames => _idxNames;

    /// <summary>
    /// Maps and validates a midx. A well-formed header of another version (bup ignores those with a
    /// warning) is a <see cref="CorruptObjectException"/> here; use <see cref="TryOpen"/> to tell it apart.
    /// </summary>
    public static MultiPackIndex Open(string path) =>
        TryOpen(path, out var version)
        ?? throw new CorruptObjectException(path, $"unsupported midx version {version}", Layout.VersionOffset);

    /// <summary>
    /// Maps and validates a midx. Returns null, with <paramref name="version"/> set, when the file is a
    /// midx of a version other than 4 (to be ignored, as bup does); throws
    /// <see cref="CorruptObjectException"/> naming the file when it is damaged.
    /// </summary>
    public static MultiPackIndex? TryOpen(string path, out int version)
    {
        var file = MappedFile.OpenRead(path);
        try
        {
            version = ReadVersion(file);
            if (version != Layout.SupportedVersion)
            {
                file.Dispose();
                return null;
            }

            return Parse(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static int ReadVersion(MappedFile file)
    {
        if (file.Length < Layout.TableOffset || !file.Read(0, 4).SequenceEqual(Layout.Magic))
        {
            throw new CorruptObjectException(file.Path, "not a midx (bad MIDX header)", 0);
        }

        var version = file.ReadUInt32BigEndian(Layout.VersionOffset);
        return version > int.MaxValue ? int.MaxValue : (int)version;
    }

    private static MultiPackIndex Parse(MappedFile file)
    {
        var bits = file.ReadUInt32BigEndian(Layout.BitsOffset);
        if (bits > Layout.MaxBits || !file.Contains(Layout.TableOffset, 4L << (int)bits))
        {
            throw new CorruptObjectException(file.Path, $"table for {bits} bits does not fit the file", Layout.BitsOffset);
        }

        var count = ReadTotal(file, (int)bits);
        var idsOffset = Layout.TableOffset + (4L << (int)bits);
        var tablesEnd = idsOffset + ((long)count * Layout.BytesPerObject);
        if (tablesEnd > file.Length)
        {
            throw new CorruptObjectException(file.Path,
                $"{count} ids need {tablesEnd} bytes but the file has {file.Length}", idsOffset);
        }

        return new MultiPackIndex(file, (int)bits, count, ReadNames(file, tablesEnd));
    }

    /// <summary>Checks that the table is monotonic and returns its last entry, the id count.</summary>
    private static int ReadTotal(MappedFile file, int bits)
    {
        uint previous = 0;
        var entries = 1L << bits;
        for (long p = 0; p < entries; p++)
        {
            var value = file.ReadUInt32BigEndian(Layout.TableOffset + (4 * p));
            if (value < previous)
            {
                throw new CorruptObjectException(file.Path,
                    $"table not monotonic: entry {p} is {value} after {previous}", Layout.TableOffset + (4 * p));
            }

            previous = value;
        }

        if (previous > int.MaxValue)
        {
            throw new CorruptObjectException(file.Path, $"id count {previous} too large", Layout.TableOffset);
        }

        return (int)previous;
    }

    /// <summary>The NUL-separated name list up to EOF; like bup, an empty list reads as one empty name.</summary>
    private static string[] ReadNames(MappedFile file, long offset)
    {
        var length = file.Length - offset;
        if (length > int.MaxValue)
        {
            throw new CorruptObjectException(file.Path, $"name list of {length} bytes is too large", offset);
        }

        var bytes = file.Read(offset, (int)length);
        var names = new List<string>();
        foreach (var range in bytes.Split((byte)0))
        {
            names.Add(Encoding.UTF8.GetString(bytes[range]));
        }

        return [.. names];
    }

    /// <summary>True when the id is listed.</summary>
    public bool Contains(ObjectId id) => FindIndex(id) >= 0;

    /// <summary>
    /// Finds which idx (basename, from <see cref="IdxNames"/>) holds <paramref name="id"/>. A which
    /// value outside the name list is a <see cref="CorruptObjectException"/>.
    /// </summary>
    public bool TryFind(ObjectId id, out string idxName)
    {
        var index = FindIndex(id);
        idxName = index < 0 ? string.Empty : GetIdxName(index);
        return index >= 0;
    }

    /// <summary>The position of <paramref name="id"/> in the sorted id table, or -1.</summary>
    public int FindIndex(ObjectId id)
    {
        var prefix = Bits == 0 ? 0 : (long)(id.Prefix32 >> (32 - Bits));
        var low = prefix == 0 ? 0 : (int)ReadTable(prefix - 1);
        var high = (int)ReadTable(prefix);
        return SortedIdSearch.Find(this, id, low, high);
    }

    /// <summary>The id at position <paramref name="index"/>.</summary>
    public ObjectId GetId(int index) => ObjectId.FromBytes(GetIdBytes(index));

    /// <summary>The idx basename recorded for the id at position <paramref name="index"/>.</summary>
    public string GetIdxName(int index) => _idxNames[GetWhich(index)];

    /// <summary>
    /// The names whose idx file does not exist in this midx's directory (bup: "missing idx"). A name
    /// that is not a plain file name (empty, or containing a path separator) counts as missing, so a
    /// midx can never point outside its directory.
    /// </summary>
    public IReadOnlyList<string> FindMissingIdx()
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".";
        var missing = new List<string>();
        foreach (var name in _idxNames)
        {
            if (!IsPlainFileName(name) || !File.Exists(System.IO.Path.Combine(directory, name)))
            {
                missing.Add(name);
            }
        }

        return missing;
    }

    private static bool IsPlainFileName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(['/', '\\', '\0']) < 0;

    /// <summary>The which value at <paramref name="index"/>, checked against the name list.</summary>
    internal int GetWhich(int index)
    {
        CheckIndex(index);
        var offset = _whichOffset + (4L * index);
        var which = _file.ReadUInt32BigEndian(offset);
        if (which >= (uint)_idxNames.Length)
        {
            throw new CorruptObjectException(Path, $"idx number {which} out of range ({_idxNames.Length} names)", offset);
        }

        return (int)which;
    }

    /// <summary>The 20 raw bytes of the id at <paramref name="index"/> (no copy).</summary>
    ReadOnlySpan<byte> ISortedIdTable.GetIdBytes(int index) => GetIdBytes(index);

    internal ReadOnlySpan<byte> GetIdBytes(int index)
    {
        CheckIndex(index);
        return _file.Read(_idsOffset + ((long)index * ObjectId.Size), ObjectId.Size);
    }

    private uint ReadTable(long prefix) => _file.ReadUInt32BigEndian(Layout.TableOffset + (4 * prefix));

    private void CheckIndex(int index) => ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
