// bup's variable-length integers: docs/formats/bupm.md, "vuint, vint and bvec" (vint.py encode_vuint/read_vuint,
// encode_vint/read_vint, encode_bvec/read_bvec; _helpers.c vuint_encode/vint_encode).
using System.Buffers;

namespace BupStore.Formats;

/// <summary>
/// Reads and writes bup's vuint (unsigned LEB128), vint (sign in bit 0x40 of the first byte, magnitude
/// in the rest) and bvec (vuint length + raw bytes).
/// </summary>
/// <remarks>
/// Writers refuse what bup 0.33's single-value C encoders cannot re-encode without overflowing their
/// 8-byte stack buffer: vuints of 2^56 and above, and vints whose magnitude is 2^55 or more (a vint
/// spends one bit on the sign; verified: <c>vint.encode_vint(2**55)</c> aborts with "stack smashing
/// detected"). Readers accept only minimal encodings of
/// values below 2^63 (bup never writes anything else); anything else, and truncated input, throws
/// <see cref="CorruptObjectException"/>. A vint "negative zero" (byte 0x40) reads as 0, as in bup.
/// </remarks>
public static class VInt
{
    /// <summary>The largest vuint the writers emit: 2^56 − 1.</summary>
    public const ulong MaxVuint = (1UL << 56) - 1;

    /// <summary>The largest vint magnitude the writers emit: 2^55 − 1.</summary>
    public const long MaxVintMagnitude = (1L << 55) - 1;

    /// <summary>Longest vuint the writers emit.</summary>
    public const int MaxVuintLength = 8;

    /// <summary>Longest vint the writers emit.</summary>
    public const int MaxVintLength = 8;

    // A vuint of 9 bytes carries 63 bits, so a 9th byte with the continuation bit means >= 2^63.
    private const int MaxReadVuintLength = 9;
    private const int MaxReadVintLength = 10;
    private const byte More = 0x80;
    private const byte Negative = 0x40;

    /// <summary>Number of bytes <see cref="WriteVuint(Span{byte}, ulong)"/> writes for <paramref name="value"/>.</summary>
    public static int VuintLength(ulong value)
    {
        CheckEncodable(value, MaxVuint);
        var length = 1;
        while ((value >>= 7) != 0)
        {
            length++;
        }

        return length;
    }

    /// <summary>Number of bytes <see cref="WriteVint(Span{byte}, long)"/> writes for <paramref name="value"/>.</summary>
    public static int VintLength(long value)
    {
        var magnitude = Magnitude(value);
        return magnitude >> 6 == 0 ? 1 : 1 + VuintLength(magnitude >> 6);
    }

    /// <summary>Writes a vuint; returns the number of bytes written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> ≥ 2^56.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int WriteVuint(Span<byte> destination, ulong value)
    {
        var length = VuintLength(value);
        if (destination.Length < length)
        {
            throw new ArgumentException("destination too small for the vuint", nameof(destination));
        }

        for (var i = 0; i < length - 1; i++)
        {
            destination[i] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[length - 1] = (byte)value;
        return length;
    }

    /// <summary>Writes a vint; returns the number of bytes written.</summary>
    /// <exception cref="ArgumentOutOfRangeException">|<paramref name="value"/>| ≥ 2^55.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int WriteVint(Span<byte> destination, long value)
    {
        var magnitude = Magnitude(value);
        var rest = magnitude >> 6;
        var first = (byte)((uint)(magnitude & 0x3F) | (value < 0 ? Negative : 0u) | (rest != 0 ? More : 0u));
        if (destination.IsEmpty)
        {
            throw new ArgumentException("destination too small for the vint", nameof(destination));
        }

        destination[0] = first;
        return rest == 0 ? 1 : 1 + WriteVuint(destination[1..], rest);
    }

    /// <summary>Appends a vuint to <paramref name="writer"/>.</summary>
    public static void WriteVuint(IBufferWriter<byte> writer, ulong value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Advance(WriteVuint(writer.GetSpan(MaxVuintLength), value));
    }

    /// <summary>Appends a vint to <paramref name="writer"/>.</summary>
    public static void WriteVint(IBufferWriter<byte> writer, long value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Advance(WriteVint(writer.GetSpan(MaxVintLength), value));
    }

    /// <summary>Appends a bvec (vuint length, then the bytes) to <paramref name="writer"/>.</summary>
    public static void WriteBvec(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        WriteVuint(writer, (ulong)value.Length);
        writer.Write(value);
    }

    /// <summary>Writes a vuint to <paramref name="stream"/>.</summary>
    public static void WriteVuint(Stream stream, ulong value)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> buffer = stackalloc byte[MaxVuintLength];
        stream.Write(buffer[..WriteVuint(buffer, value)]);
    }

    /// <summary>Writes a vint to <paramref name="stream"/>.</summary>
    public static void WriteVint(Stream stream, long value)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> buffer = stackalloc byte[MaxVintLength];
        stream.Write(buffer[..WriteVint(buffer, value)]);
    }

    /// <summary>Writes a bvec to <paramref name="stream"/>.</summary>
    public static void WriteBvec(Stream stream, ReadOnlySpan<byte> value)
    {
        WriteVuint(stream, (ulong)value.Length);
        stream.Write(value);
    }

    /// <summary>
    /// Reads a vuint at <paramref name="position"/> and advances it. <paramref name="where"/> names the
    /// object for errors; <paramref name="baseOffset"/> is added to positions in error offsets.
    /// </summary>
    /// <exception cref="CorruptObjectException">Truncated, over-long or non-minimal encoding.</exception>
    public static ulong ReadVuint(ReadOnlySpan<byte> source, scoped ref int position, string where, long baseOffset = 0)
    {
        var start = position;
        var length = ScanLength(source, start, MaxReadVuintLength, "vuint", where, baseOffset);
        var value = DecodeGroups(source.Slice(start, length), 0, 0);
        position = start + length;
        return value;
    }

    /// <summary>Reads a vint at <paramref name="position"/> and advances it (see <see cref="ReadVuint(ReadOnlySpan{byte}, ref int, string, long)"/>).</summary>
    /// <exception cref="CorruptObjectException">Truncated, over-long or non-minimal encoding.</exception>
    public static long ReadVint(ReadOnlySpan<byte> source, scoped ref int position, string where, long baseOffset = 0)
    {
        var start = position;
        var length = ScanLength(source, start, MaxReadVintLength, "vint", where, baseOffset);
        var bytes = source.Slice(start, length);
        var magnitude = DecodeGroups(bytes[1..], (ulong)(bytes[0] & 0x3F), 6);
        if (magnitude >> 63 != 0)
        {
            throw new CorruptObjectException(where, "vint magnitude of 2^63 or more", baseOffset + start);
        }

        position = start + length;
        return (bytes[0] & Negative) != 0 ? -(long)magnitude : (long)magnitude;
    }

    /// <summary>Reads a bvec at <paramref name="position"/>, advances past it and returns its bytes.</summary>
    /// <exception cref="CorruptObjectException">Bad length or fewer bytes left than the length says.</exception>
    public static ReadOnlySpan<byte> ReadBvec(ReadOnlySpan<byte> source, scoped ref int position, string where, long baseOffset = 0)
    {
        var start = position;
        var length = ReadVuint(source, ref position, where, baseOffset);
        if (length > (ulong)(source.Length - position))
        {
            throw new CorruptObjectException(where, $"bvec of {length} bytes runs past the end", baseOffset + start);
        }

        var value = source.Slice(position, (int)length);
        position += (int)length;
        return value;
    }

    /// <summary>
    /// Reads a vuint from <paramref name="stream"/>; returns false if the stream ends before its first
    /// byte (a clean end), throws if it ends inside the number.
    /// </summary>
    public static bool TryReadVuint(Stream stream, string where, out ulong value)
    {
        Span<byte> buffer = stackalloc byte[MaxReadVuintLength];
        var length = ReadEncoded(stream, buffer, "vuint", where);
        var position = 0;
        value = length == 0 ? 0 : ReadVuint(buffer[..length], ref position, where, StreamOffset(stream, length));
        return length != 0;
    }

    /// <summary>Reads a vuint from <paramref name="stream"/>; the stream must not be at its end.</summary>
    public static ulong ReadVuint(Stream stream, string where) =>
        TryReadVuint(stream, where, out var value)
            ? value
            : throw new CorruptObjectException(where, "truncated vuint", StreamOffset(stream, 0));

    /// <summary>Reads a vint from <paramref name="stream"/>; the stream must not be at its end.</summary>
    public static long ReadVint(Stream stream, string where)
    {
        Span<byte> buffer = stackalloc byte[MaxReadVintLength];
        var length = ReadEncoded(stream, buffer, "vint", where);
        if (length == 0)
        {
            throw new CorruptObjectException(where, "truncated vint", StreamOffset(stream, 0));
        }

        var position = 0;
        return ReadVint(buffer[..length], ref position, where, StreamOffset(stream, length));
    }

    /// <summary>
    /// Reads a bvec from <paramref name="stream"/>. Lengths above <paramref name="maxLength"/> are
    /// corrupt; memory grows only as bytes actually arrive, so a lying length cannot force a huge buffer.
    /// </summary>
    public static byte[] ReadBvec(Stream stream, string where, int maxLength = int.MaxValue)
    {
        var start = StreamOffset(stream, 0);
        var length = ReadVuint(stream, where);
        if (length > (ulong)maxLength)
        {
            throw new CorruptObjectException(where, $"bvec of {length} bytes exceeds the limit of {maxLength}", start);
        }

        return ReadExactly(stream, (int)length, where, start);
    }

    private static byte[] ReadExactly(Stream stream, int length, string where, long start)
    {
        const int Step = 1 << 20;
        var result = new byte[Math.Min(length, Step)];
        var filled = 0;
        while (filled < length)
        {
            if (filled == result.Length)
            {
                Array.Resize(ref result, (int)Math.Min(length, (long)result.Length * 2));
            }

            var read = stream.Read(result, filled, result.Length - filled);
            if (read == 0)
            {
                throw new CorruptObjectException(where, $"bvec of {length} bytes ends after {filled}", start);
            }

            filled += read;
        }

        return result;
    }

    // Finds the length of the encoded number starting at `start`, validating termination, the
    // byte limit and minimality before any value is assembled.
    private static int ScanLength(ReadOnlySpan<byte> source, int start, int maxLength, string kind, string where, long baseOffset)
    {
        for (var i = 0; ; i++)
        {
            if (start + i >= source.Length)
            {
                throw new CorruptObjectException(where, $"truncated {kind}", baseOffset + start);
            }

            if (i == maxLength)
            {
                throw new CorruptObjectException(where, $"{kind} longer than {maxLength} bytes", baseOffset + start);
            }

            var b = source[start + i];
            if ((b & More) == 0)
            {
                if (b == 0 && i > 0)
                {
                    throw new CorruptObjectException(where, $"non-minimal {kind}", baseOffset + start);
                }

                return i + 1;
            }
        }
    }

    // Adds the 7-bit groups of `groups` (already validated by ScanLength) to `value` from bit `shift`.
    private static ulong DecodeGroups(ReadOnlySpan<byte> groups, ulong value, int shift)
    {
        foreach (var b in groups)
        {
            var bits = (ulong)(b & 0x7F);
            if (shift > 63 - 7 && bits >> (63 - shift) != 0)
            {
                // Only reachable for the last group of a 9-byte vuint or a 10-byte vint.
                return ulong.MaxValue;
            }

            value |= bits << shift;
            shift += 7;
        }

        return value;
    }

    private static int ReadEncoded(Stream stream, Span<byte> buffer, string kind, string where)
    {
        ArgumentNullException.ThrowIfNull(stream);
        for (var i = 0; i < buffer.Length; i++)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                return i == 0 ? 0 : throw new CorruptObjectException(where, $"truncated {kind}", StreamOffset(stream, i));
            }

            buffer[i] = (byte)b;
            if ((b & More) == 0)
            {
                return i + 1;
            }
        }

        throw new CorruptObjectException(where, $"{kind} longer than {buffer.Length} bytes", StreamOffset(stream, buffer.Length));
    }

    private static long StreamOffset(Stream stream, int consumed) => stream.CanSeek ? stream.Position - consumed : -1;

    private static ulong Magnitude(long value)
    {
        var magnitude = value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value;
        CheckEncodable(magnitude, MaxVintMagnitude);
        return magnitude;
    }

    private static void CheckEncodable(ulong magnitude, ulong limit)
    {
        if (magnitude > limit)
        {
            throw new ArgumentOutOfRangeException(
                nameof(magnitude), magnitude, $"bup 0.33 cannot safely re-encode values above {limit}");
        }
    }
}
