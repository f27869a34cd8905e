using System.Buffers.Binary;
using System.Text;

namespace BupStore.Formats;

/// <summary>
/// Building and extending bloom files (bup <c>bloom.create</c>, <c>ShaBloom.add_idx</c>/<c>close</c>;
/// docs/formats/midx-bloom.md, "Sizing and policy"). Tables are byte-identical to bup's for the same idx set; the name-list order is
/// the caller's order.
/// </summary>
public sealed partial class BloomFilter
{
    /// <summary>bup's MAX_PFALSE_POSITIVE: above this many percent a bloom is rebuilt bigger.</summary>
    public const double MaxFalsePositivePercent = 1.0;

    /// <summary>
    /// bup's sizing for <paramref name="expected"/> ids: <c>bits = floor(log2(expected * 4))</c> (32
    /// table bits per id), k = 5 up to 29 bits else 4, bits capped at 29 (k=5) / 37 (k=4). Uses bup's
    /// floating-point steps so results match at powers of two. <paramref name="expected"/> below 1
    /// counts as 1 (bup cannot size an empty filter at all).
    /// </summary>
    public static (int Bits, int K) ComputeSize(long expected, int? k = null)
    {
        if (k is not (null or 4 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be 4 or 5");
        }

        var bits = (int)Math.Floor(Math.Log(Math.Max(expected, 1) * 4.0) / Math.Log(2));
        var chosen = k ?? (bits <= Layout.MaxBits(5) ? 5 : 4);
        return (Math.Min(bits, Layout.MaxBits(chosen)), chosen);
    }

    /// <summary>
    /// Writes a fresh bloom for the ids of <paramref name="idxPaths"/> (sized for
    /// <paramref name="expected"/> ids) at <paramref name="path"/>, atomically: bup's temporary
    /// <c>bup.tmp.bloom</c> in the same directory is filled, fsynced and renamed over the target.
    /// </summary>
    public static void WriteNew(string path, long expected, IReadOnlyList<string> idxPaths, int? k = null)
    {
        ArgumentNullException.ThrowIfNull(idxPaths);
        var (bits, chosenK) = ComputeSize(expected, k);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var temp = System.IO.Path.Combine(directory, "bup.tmp.bloom");
        try
        {
            WriteFile(temp, bits, chosenK, idxPaths);
            File.Move(temp, path, overwrite: true);
            MappedFile.SyncDirectory(directory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void WriteFile(string path, int bits, int k, IReadOnlyList<string> idxPaths)
    {
        var tableEnd = Layout.TableOffset + (1L << bits);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        stream.SetLength(tableEnd);
        long entries;
        using (var map = MappedFile.MapReadWrite(stream, path, tableEnd))
        {
            entries = AddIds(map, bits, k, idxPaths);
            var header = map.Write(0, Layout.TableOffset);
            Layout.Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt32BigEndian(header[Layout.VersionOffset..], Layout.SupportedVersion);
            BinaryPrimitives.WriteUInt16BigEndian(header[Layout.BitsOffset..], (ushort)bits);
            BinaryPrimitives.WriteUInt16BigEndian(header[Layout.KOffset..], (ushort)k);
            BinaryPrimitives.WriteUInt32BigEndian(header[Layout.EntriesOffset..], CheckedEntries(path, entries));
            map.Flush();
        }

        stream.Seek(tableEnd, SeekOrigin.Begin);
        stream.Write(JoinNames(idxPaths));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Adds the ids of <paramref name="idxPaths"/> to an existing bloom in place, as <c>bup bloom</c>
    /// does. Ordered so that a crash at any point can only cause false positives, never a false
    /// negative: (1) set the table bits and fsync; (2) append the idx names and fsync; (3) raise
    /// <c>entries</c> and fsync. Until step 3 the entry count is below the loaded object total, so bup
    /// and <c>BloomMaintenance.IsUsable</c> ignore the filter; a name list ahead of the count makes the
    /// next <c>bup bloom</c> rebuild it.
    /// </summary>
    public static void AddInPlace(string path, IReadOnlyList<string> idxPaths)
    {
        ArgumentNullException.ThrowIfNull(idxPaths);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> headerBytes = stackalloc byte[Layout.TableOffset];
        stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        var header = ReadHeader(path, stream.Length, headerBytes);
        if (header.Version != Layout.SupportedVersion)
        {
            throw new CorruptObjectException(path, $"unsupported bloom version {header.Version}", Layout.VersionOffset);
        }

        var tableEnd = Layout.TableOffset + (1L << header.Bits);
        var hadNames = stream.Length > tableEnd;
        long added;
        using (var map = MappedFile.MapReadWrite(stream, path, tableEnd))
        {
            added = AddIds(map, header.Bits, header.K, idxPaths);
            map.Flush();
        }

        stream.Flush(flushToDisk: true);
        AppendNames(stream, hadNames, idxPaths);
        WriteEntries(stream, CheckedEntries(path, header.Entries + added));
    }

    private static void AppendNames(FileStream stream, bool hadNames, IReadOnlyList<string> idxPaths)
    {
        // Appending "\0" + new names at the old end gives the same bytes as bup's rewrite of the
        // whole list, without re-encoding names we only read.
        stream.Seek(0, SeekOrigin.End);
        if (hadNames && idxPaths.Count > 0)
        {
            stream.WriteByte(0);
        }

        stream.Write(JoinNames(idxPaths));
        stream.Flush(flushToDisk: true);
    }

    private static void WriteEntries(FileStream stream, uint entries)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, entries);
        stream.Seek(Layout.EntriesOffset, SeekOrigin.Begin);
        stream.Write(value);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Sets the k bits of every id of every idx; returns the number of ids added.</summary>
    private static long AddIds(MappedFile map, int bits, int k, IReadOnlyList<string> idxPaths)
    {
        long added = 0;
        var step = Objects.ObjectId.Size / k;
        foreach (var idxPath in idxPaths)
        {
            using var idx = PackIndex.Open(idxPath);
            for (var i = 0; i < idx.Count; i++)
            {
                var id = idx.GetIdBytes(i);
                for (var slice = 0; slice < Objects.ObjectId.Size; slice += step)
                {
                    var (offset, mask) = Address(id[slice..], bits, k);
                    map.Write(Layout.TableOffset + offset, 1)[0] |= mask;
                }
            }

            added += idx.Count;
        }

        return added;
    }

    private static byte[] JoinNames(IReadOnlyList<string> idxPaths) =>
        Encoding.UTF8.GetBytes(string.Join('\0', idxPaths.Select(System.IO.Path.GetFileName)));

    private static uint CheckedEntries(string path, long entries) =>
        entries <= uint.MaxValue ? (uint)entries
            : throw new InvalidOperationException($"{path}: {entries} entries exceed the bloom's 32-bit counter");
}
