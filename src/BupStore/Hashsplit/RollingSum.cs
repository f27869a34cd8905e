namespace BupStore.Hashsplit;

/// <summary>
/// bup's rolling checksum (bupsplit.c; docs/formats/hashsplit.md, "The rolling checksum"): a 64-byte window, s1/s2 sums with a
/// character offset of 31, all arithmetic modulo 2^32. A fresh sum behaves as if the window held
/// 64 zero bytes. This is the reference form; <see cref="RollingSumScan"/> runs the same sums 16
/// positions at a time.
/// </summary>
public struct RollingSum
{
    /// <summary>Window size in bytes.</summary>
    public const int WindowSize = 64;

    /// <summary>Added to every byte before summing.</summary>
    public const uint CharOffset = 31;

    /// <summary>s1 of a fresh sum (64 zero bytes).</summary>
    public const uint InitialS1 = WindowSize * CharOffset;

    /// <summary>s2 of a fresh sum (64 zero bytes).</summary>
    public const uint InitialS2 = WindowSize * (WindowSize - 1) * CharOffset;

    private readonly byte[] _window;
    private int _offset;

    /// <summary>Creates a fresh sum.</summary>
    public RollingSum()
    {
        _window = new byte[WindowSize];
        S1 = InitialS1;
        S2 = InitialS2;
    }

    /// <summary>The first sum.</summary>
    public uint S1 { get; private set; }

    /// <summary>The second sum.</summary>
    public uint S2 { get; private set; }

    /// <summary>The 32-bit digest: s1 in the high half, the low 16 bits of s2 in the low half.</summary>
    public readonly uint Digest => Combine(S1, S2);

    /// <summary>Rolls one byte in (and the byte 64 places back out).</summary>
    public void Roll(byte add)
    {
        var drop = _window[_offset];
        S1 = S1 + add - drop;
        S2 = S2 + S1 - (WindowSize * (drop + CharOffset));
        _window[_offset] = add;
        _offset = (_offset + 1) & (WindowSize - 1);
    }

    /// <summary>The digest of given sums.</summary>
    public static uint Combine(uint s1, uint s2) => (s1 << 16) | (s2 & 0xFFFF);
}
