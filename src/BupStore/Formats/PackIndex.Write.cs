using System.Buffers.Binary;
using System.Security.Cryptography;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>The idx v2 writer (byte-identical to <c>git index-pack</c> for the same pack; docs/formats/pack-and-idx.md).</summary>
public sealed partial class PackIndex
{
    /// <summary>
    /// Writes an idx v2 for a pack. <paramref name="entries"/> may come in any order (they are sorted by
    /// id here); ids must be distinct and offsets non-negative. Offsets below 2^31 go in the 32-bit
    /// table, larger ones in the 64-bit table in id order, as git does. The stream receives the whole
    /// file including both SHA-1 trailers; it is not flushed to disk here.
    /// </summary>
    public static void Write(Stream output, IReadOnlyList<PackIndexEntry> entries, ObjectId packChecksum)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(entries);
        var sorted = SortAndCheck(entries);
        using var writer = new HashingWriter(output);
        writer.Write(Layout.Magic);
        writer.WriteUInt32(2);
        WriteFanout(writer, sorted);
        foreach (var entry in sorted)
        {
            entry.Id.WriteTo(writer.Reserve(ObjectId.Size));
        }

        foreach (var entry in sorted)
        {
            writer.WriteUInt32(entry.Crc32);
        }

        WriteOffsets(writer, sorted);
        packChecksum.WriteTo(writer.Reserve(ObjectId.Size));
        writer.Finish();
    }

    private static PackIndexEntry[] SortAndCheck(IReadOnlyList<PackIndexEntry> entries)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => a.Id.CompareTo(b.Id));
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Offset < 0)
            {
                throw new ArgumentException($"object {sorted[i].Id} has negative pack offset {sorted[i].Offset}", nameof(entries));
            }

            if (i > 0 && sorted[i].Id == sorted[i - 1].Id)
            {
                throw new ArgumentException($"object {sorted[i].Id} appears twice", nameof(entries));
            }
        }

        return sorted;
    }

    private static void WriteFanout(HashingWriter writer, PackIndexEntry[] sorted)
    {
        var position = 0;
        for (var bucket = 0; bucket < Layout.FanoutEntries; bucket++)
        {
            while (position < sorted.Length && sorted[position].Id.FirstByte <= bucket)
            {
                position++;
            }

            writer.WriteUInt32((uint)position);
        }
    }

    private static void WriteOffsets(HashingWriter writer, PackIndexEntry[] sorted)
    {
        uint large = 0;
        foreach (var entry in sorted)
        {
            writer.WriteUInt32(entry.Offset < Layout.LargeOffsetFlag ? (uint)entry.Offset : Layout.LargeOffsetFlag | large++);
        }

        foreach (var entry in sorted)
        {
            if (entry.Offset >= Layout.LargeOffsetFlag)
            {
                BinaryPrimitives.WriteUInt64BigEndian(writer.Reserve(8), (ulong)entry.Offset);
            }
        }
    }

    /// <summary>Buffers bytes into a stream while hashing them, then appends the SHA-1 of all of them.</summary>
    private sealed class HashingWriter(Stream output) : IDisposable
    {
        private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _used;

        public Span<byte> Reserve(int length)
        {
            if (_buffer.Length - _used < length)
            {
                Drain();
            }

            var span = _buffer.AsSpan(_used, length);
            _used += length;
            return span;
        }

        public void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

        public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

        public void Finish()
        {
            Drain();
            Span<byte> digest = stackalloc byte[ObjectId.Size];
            _sha1.GetHashAndReset(digest);
            output.Write(digest);
        }

        private void Drain()
        {
            _sha1.AppendData(_buffer, 0, _used);
            output.Write(_buffer, 0, _used);
            _used = 0;
        }

        public void Dispose() => _sha1.Dispose();
    }
}
