using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace BupStore.Objects;

/// <summary>
/// A git object id: the 20-byte SHA-1 of "&lt;type&gt; &lt;size&gt;\0&lt;content&gt;".
/// Stored as three big-endian integers so that equality and ordinal (byte-wise) ordering are
/// plain integer comparisons on the lookup path, with no allocation.
/// </summary>
public readonly struct ObjectId : IEquatable<ObjectId>, IComparable<ObjectId>
{
    /// <summary>Length of a raw object id in bytes.</summary>
    public const int Size = 20;

    /// <summary>Length of an object id in lowercase hex.</summary>
    public const int HexSize = 40;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly uint _c;

    private ObjectId(ulong a, ulong b, uint c)
    {
        _a = a;
        _b = b;
        _c = c;
    }

    /// <summary>The all-zero id (git's "null" id: no object).</summary>
    public static ObjectId Zero => default;

    /// <summary>The id of the empty blob, e69de29b…</summary>
    public static ObjectId EmptyBlob { get; } = Parse("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");

    /// <summary>The id of the empty tree, 4b825dc6…</summary>
    public static ObjectId EmptyTree { get; } = Parse("4b825dc642cb6eb9a060e54bf8d69288fbee4904");

    /// <summary>True for the all-zero id.</summary>
    public bool IsZero => _a == 0 && _b == 0 && _c == 0;

    /// <summary>The first four bytes as a big-endian integer (fanout, midx and bloom prefixes).</summary>
    public uint Prefix32 => (uint)(_a >> 32);

    /// <summary>The first byte of the id (the idx fanout bucket).</summary>
    public byte FirstByte => (byte)(_a >> 56);

    /// <summary>Reads an id from exactly 20 raw bytes.</summary>
    public static ObjectId FromBytes(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < Size)
        {
            throw new ArgumentException("an object id needs 20 bytes", nameof(raw));
        }

        return new ObjectId(
            BinaryPrimitives.ReadUInt64BigEndian(raw),
            BinaryPrimitives.ReadUInt64BigEndian(raw[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(raw[16..]));
    }

    /// <summary>Writes the 20 raw bytes into <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    /// <summary>The 20 raw bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var raw = new byte[Size];
        WriteTo(raw);
        return raw;
    }

    /// <summary>Parses 40 hex digits (either case).</summary>
    public static ObjectId Parse(string hex) =>
        TryParse(hex, out var id) ? id : throw new FormatException($"not an object id: '{hex}'");

    /// <summary>Parses 40 hex digits (either case); false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out ObjectId id) =>
        TryParse(hex.AsSpan(), out id) && hex is not null;

    /// <summary>Parses 40 hex digits (either case); false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out ObjectId id)
    {
        id = default;
        if (hex.Length != HexSize)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[Size];
        var status = Convert.FromHexString(hex, raw, out _, out var written);
        if (status != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        id = FromBytes(raw);
        return true;
    }

    /// <summary>Parses 40 ASCII hex digits given as bytes (as found in commits and refs).</summary>
    public static bool TryParse(ReadOnlySpan<byte> asciiHex, out ObjectId id)
    {
        id = default;
        if (asciiHex.Length != HexSize)
        {
            return false;
        }

        Span<char> chars = stackalloc char[HexSize];
        for (var i = 0; i < HexSize; i++)
        {
            chars[i] = (char)asciiHex[i];
        }

        return TryParse(chars, out id);
    }

    /// <summary>Lowercase hex, as git prints ids.</summary>
    public override string ToString()
    {
        Span<byte> raw = stackalloc byte[Size];
        WriteTo(raw);
        return Convert.ToHexStringLower(raw);
    }

    /// <summary>Writes the 40 lowercase hex digits as ASCII bytes.</summary>
    public void WriteHexTo(Span<byte> destination)
    {
        var hex = ToString();
        for (var i = 0; i < HexSize; i++)
        {
            destination[i] = (byte)hex[i];
        }
    }

    /// <inheritdoc/>
    public bool Equals(ObjectId other) => _a == other._a && _b == other._b && _c == other._c;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ObjectId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)(_a ^ (_a >> 32));

    /// <summary>Ordinal byte-wise order, the order of idx and midx tables.</summary>
    public int CompareTo(ObjectId other)
    {
        if (_a != other._a)
        {
            return _a < other._a ? -1 : 1;
        }

        if (_b != other._b)
        {
            return _b < other._b ? -1 : 1;
        }

        return _c.CompareTo(other._c);
    }

    /// <summary>Compares this id with 20 raw bytes without building a second id.</summary>
    public int CompareTo(ReadOnlySpan<byte> raw)
    {
        var a = BinaryPrimitives.ReadUInt64BigEndian(raw);
        if (_a != a)
        {
            return _a < a ? -1 : 1;
        }

        var b = BinaryPrimitives.ReadUInt64BigEndian(raw[8..]);
        if (_b != b)
        {
            return _b < b ? -1 : 1;
        }

        return _c.CompareTo(BinaryPrimitives.ReadUInt32BigEndian(raw[16..]));
    }

    public static bool operator ==(ObjectId left, ObjectId right) => left.Equals(right);

    public static bool operator !=(ObjectId left, ObjectId right) => !left.Equals(right);

    public static bool operator <(ObjectId left, ObjectId right) => left.CompareTo(right) < 0;

    public static bool operator >(ObjectId left, ObjectId right) => left.CompareTo(right) > 0;

    public static bool operator <=(ObjectId left, ObjectId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ObjectId left, ObjectId right) => left.CompareTo(right) >= 0;
}
