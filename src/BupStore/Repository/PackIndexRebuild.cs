using System.IO.Hashing;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// Writes the idx of a sound pack from the pack alone, as <c>git index-pack</c> does: walks the
/// entries in order (each zlib stream's length found by inflating it), hashes every object (OFS
/// deltas resolved within the pack, REF delta bases from the repository), and records CRC-32s and
/// offsets. The idx goes in under a temporary name, synced, then renamed.
/// </summary>
internal static class PackIndexRebuild
{
    /// <summary>Writes pack-X.idx beside <paramref name="packPath"/>; throws <see cref="RepositoryException"/> when it cannot.</summary>
    public static void Write(ObjectStore store, string packPath)
    {
        using var pack = PackFile.Open(packPath);
        if (!pack.VerifyTrailer())
        {
            throw new CorruptObjectException(packPath, "pack checksum mismatch: a damaged pack cannot be indexed");
        }

        var offsets = EntryOffsets(pack);
        var entries = new PackIndexEntry[offsets.Count - 1];
        Parallel.For(0, entries.Length, k =>
        {
            var obj = store.ReadEntryUnverified(pack, offsets[k], ObjectId.Zero);
            var crc = Crc32.HashToUInt32(pack.ReadRaw(offsets[k], checked((int)(offsets[k + 1] - offsets[k]))));
            entries[k] = new PackIndexEntry(ObjectHasher.Compute(obj.Type, obj.Data), offsets[k], crc);
        });
        Publish(Path.ChangeExtension(packPath, ".idx"), entries, pack.ReadTrailer());
    }

    /// <summary>The offset of every entry, then that of the trailer.</summary>
    private static List<long> EntryOffsets(PackFile pack)
    {
        var offsets = new List<long>((int)Math.Min(pack.Count + 1, 1 << 20));
        long offset = PackFile.HeaderLength;
        for (uint i = 0; i < pack.Count; i++)
        {
            offsets.Add(offset);
            var header = pack.ReadHeader(offset);
            offset += header.HeaderLength + StreamLength(pack, offset + header.HeaderLength, header.Size);
        }

        if (offset != pack.DataEnd)
        {
            throw new CorruptObjectException(pack.Path, $"{pack.Count} entries end at byte {offset}, the trailer starts at {pack.DataEnd}");
        }

        offsets.Add(offset);
        return offsets;
    }

    private static int StreamLength(PackFile pack, long dataStart, long size)
    {
        // deflate's worst case is a few bytes per 16 KiB stored block; more headroom costs nothing.
        var room = Math.Min(pack.DataEnd - dataStart, size + (size >> 3) + 1024);
        if (size > Array.MaxLength || room > Array.MaxLength)
        {
            throw new CorruptObjectException(pack.Path, $"object of {size} bytes too large to index here", dataStart);
        }

        var status = ZlibInflater.InflateCounting(pack.ReadRaw(dataStart, (int)room), new byte[size], out var consumed);
        return status == InflateStatus.Complete ? consumed : throw new CorruptObjectException(pack.Path, $"zlib stream unreadable ({status})", dataStart);
    }

    private static void Publish(string idxPath, PackIndexEntry[] entries, ObjectId packChecksum)
    {
        using var idx = new MemoryStream();
        PackIndex.Write(idx, entries, packChecksum);
        Durable.WriteAllBytes(idxPath, idx.ToArray());
    }
}
