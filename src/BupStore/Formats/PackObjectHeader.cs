using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// The header in front of each object in a pack (gitformat-pack "Object entries"): type and
/// inflated size as a varint, then for OFS_DELTA the negative base offset, for REF_DELTA the base id.
/// </summary>
/// <param name="Type">The entry type, deltas included.</param>
/// <param name="Size">The inflated size of the entry's data (for deltas: of the delta).</param>
/// <param name="HeaderLength">Bytes from the entry start to its zlib stream.</param>
/// <param name="BaseOffset">OFS_DELTA: absolute pack offset of the base; else -1.</param>
/// <param name="BaseId">REF_DELTA: the base object's id.</param>
public readonly record struct PackObjectHeader(ObjectType Type, long Size, int HeaderLength, long BaseOffset, ObjectId BaseId)
{
    /// <summary>Longest header we accept: 10 size bytes + 10 offset bytes or 20 id bytes.</summary>
    public const int MaxLength = 32;

    /// <summary>Parses a header found at <paramref name="offset"/> in <paramref name="where"/>.</summary>
    public static PackObjectHeader Parse(ReadOnlySpan<byte> bytes, long offset, string where)
    {
        if (bytes.IsEmpty)
        {
            throw new CorruptObjectException(where, "object header past end of pack", offset);
        }

        var pos = 0;
        var b = bytes[pos++];
        var type = (ObjectType)((b >> 4) & 7);
        long size = b & 0x0F;
        var shift = 4;
        while ((b & 0x80) != 0)
        {
            if (pos >= bytes.Length || shift > 56)
            {
                throw new CorruptObjectException(where, "object size varint too long or truncated", offset);
            }

            b = bytes[pos++];
            size |= (long)(b & 0x7F) << shift;
            shift += 7;
        }

        return type switch
        {
            ObjectType.Commit or ObjectType.Tree or ObjectType.Blob or ObjectType.Tag => new(type, size, pos, -1, default),
            ObjectType.OfsDelta => ParseOfs(bytes, pos, size, offset, where),
            ObjectType.RefDelta => ParseRef(bytes, pos, size, offset, where),
            _ => throw new CorruptObjectException(where, $"invalid object type {(int)type}", offset),
        };
    }

    private static PackObjectHeader ParseOfs(ReadOnlySpan<byte> bytes, int pos, long size, long offset, string where)
    {
        // git's "offset encoding": big-endian 7-bit groups, each continuation adds one before shifting.
        if (pos >= bytes.Length)
        {
            throw new CorruptObjectException(where, "truncated delta base offset", offset);
        }

        var b = bytes[pos++];
        long distance = b & 0x7F;
        while ((b & 0x80) != 0)
        {
            if (pos >= bytes.Length || distance > (long.MaxValue >> 8))
            {
                throw new CorruptObjectException(where, "delta base offset too long or truncated", offset);
            }

            b = bytes[pos++];
            distance = ((distance + 1) << 7) | (long)(b & 0x7F);
        }

        if (distance <= 0 || distance > offset)
        {
            throw new CorruptObjectException(where, "delta base offset points outside the pack", offset);
        }

        return new(ObjectType.OfsDelta, size, pos, offset - distance, default);
    }

    private static PackObjectHeader ParseRef(ReadOnlySpan<byte> bytes, int pos, long size, long offset, string where)
    {
        if (pos + ObjectId.Size > bytes.Length)
        {
            throw new CorruptObjectException(where, "truncated delta base id", offset);
        }

        return new(ObjectType.RefDelta, size, pos + ObjectId.Size, -1, ObjectId.FromBytes(bytes.Slice(pos, ObjectId.Size)));
    }

    /// <summary>Encodes a non-delta header; returns its length (at most 11 bytes).</summary>
    public static int Write(ObjectType type, long size, Span<byte> destination)
    {
        var pos = 0;
        var b = (byte)(((int)type << 4) | (int)(size & 0x0F));
        size >>= 4;
        while (size != 0)
        {
            destination[pos++] = (byte)(b | 0x80);
            b = (byte)(size & 0x7F);
            size >>= 7;
        }

        destination[pos++] = b;
        return pos;
    }
}
