namespace BupStore.Formats;

/// <summary>
/// Applies git's delta instructions (gitformat-pack "Deltified representation"): a source and a
/// target size varint, then copy (0x80 | offset/size presence bits) and insert (1..127 literal
/// bytes) instructions. Every offset and length is checked before it is used.
/// </summary>
public static class DeltaCodec
{
    /// <summary>Rebuilds the target from <paramref name="baseData"/> and <paramref name="delta"/>.</summary>
    public static byte[] Apply(ReadOnlySpan<byte> baseData, ReadOnlySpan<byte> delta, string where)
    {
        var pos = 0;
        var sourceSize = ReadSize(delta, ref pos, where);
        var targetSize = ReadSize(delta, ref pos, where);
        if (sourceSize != baseData.Length)
        {
            throw new CorruptObjectException(where, $"delta expects a {sourceSize}-byte base, found {baseData.Length}");
        }

        if (targetSize > Array.MaxLength)
        {
            throw new CorruptObjectException(where, "delta target too large");
        }

        var target = GC.AllocateUninitializedArray<byte>((int)targetSize);
        var written = 0;
        while (pos < delta.Length)
        {
            var op = delta[pos++];
            written = (op & 0x80) != 0
                ? Copy(op, baseData, delta, ref pos, target, written, where)
                : Insert(op, delta, ref pos, target, written, where);
        }

        if (written != target.Length)
        {
            throw new CorruptObjectException(where, $"delta produced {written} bytes, expected {target.Length}");
        }

        return target;
    }

    private static int Copy(byte op, ReadOnlySpan<byte> baseData, ReadOnlySpan<byte> delta, ref int pos, byte[] target, int written, string where)
    {
        long offset = 0;
        long size = 0;
        for (var i = 0; i < 4; i++)
        {
            if ((op & (1 << i)) != 0)
            {
                offset |= (long)Next(delta, ref pos, where) << (8 * i);
            }
        }

        for (var i = 0; i < 3; i++)
        {
            if ((op & (0x10 << i)) != 0)
            {
                size |= (long)Next(delta, ref pos, where) << (8 * i);
            }
        }

        size = size == 0 ? 0x10000 : size;
        if (offset + size > baseData.Length || written + size > target.Length)
        {
            throw new CorruptObjectException(where, "delta copy out of range");
        }

        baseData.Slice((int)offset, (int)size).CopyTo(target.AsSpan(written));
        return written + (int)size;
    }

    private static int Insert(byte op, ReadOnlySpan<byte> delta, ref int pos, byte[] target, int written, string where)
    {
        if (op == 0)
        {
            throw new CorruptObjectException(where, "reserved delta instruction 0");
        }

        if (pos + op > delta.Length || written + op > target.Length)
        {
            throw new CorruptObjectException(where, "delta insert out of range");
        }

        delta.Slice(pos, op).CopyTo(target.AsSpan(written));
        pos += op;
        return written + op;
    }

    private static byte Next(ReadOnlySpan<byte> delta, ref int pos, string where) =>
        pos < delta.Length ? delta[pos++] : throw new CorruptObjectException(where, "truncated delta instruction");

    private static long ReadSize(ReadOnlySpan<byte> delta, ref int pos, string where)
    {
        long value = 0;
        var shift = 0;
        byte b;
        do
        {
            if (pos >= delta.Length || shift > 56)
            {
                throw new CorruptObjectException(where, "truncated or oversized delta size");
            }

            b = delta[pos++];
            value |= (long)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return value;
    }
}
