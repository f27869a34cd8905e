using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TestSupport;

/// <summary>
/// Damages a git pack index (v2, gitformat-pack) in one precise way, then rewrites its trailing
/// SHA-1 so that the damage is the only thing wrong with the file.
/// </summary>
public static class PackIndexSurgery
{
    private const int HeaderBytes = 8;
    private const int FanoutBytes = 256 * 4;
    private const int IdBytes = 20;

    /// <summary>
    /// Swaps the pack offsets recorded for objects <paramref name="first"/> and <paramref name="second"/>
    /// (40-digit hex ids) in idx file <paramref name="idxPath"/>: each id then points at the other's bytes.
    /// </summary>
    public static void SwapOffsets(string idxPath, string first, string second)
    {
        var idx = File.ReadAllBytes(idxPath);
        if (BinaryPrimitives.ReadUInt32BigEndian(idx) != 0xff744f63 || BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan(4)) != 2)
        {
            throw new InvalidOperationException($"{idxPath} is not a v2 pack index");
        }

        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan(HeaderBytes + FanoutBytes - 4));
        var offsets = HeaderBytes + FanoutBytes + (count * (IdBytes + 4));
        var a = offsets + (4 * Required(IndexOf(idx, count, first), first));
        var b = offsets + (4 * Required(IndexOf(idx, count, second), second));
        Span<byte> saved = stackalloc byte[4];
        idx.AsSpan(a, 4).CopyTo(saved);
        idx.AsSpan(b, 4).CopyTo(idx.AsSpan(a, 4));
        saved.CopyTo(idx.AsSpan(b, 4));
        SHA1.HashData(idx.AsSpan(0, idx.Length - IdBytes), idx.AsSpan(idx.Length - IdBytes));
        File.WriteAllBytes(idxPath, idx);
    }

    /// <summary>True when v2 idx file <paramref name="idxPath"/> lists object <paramref name="hexId"/>.</summary>
    public static bool Holds(string idxPath, string hexId)
    {
        var idx = File.ReadAllBytes(idxPath);
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan(HeaderBytes + FanoutBytes - 4));
        return IndexOf(idx, count, hexId) >= 0;
    }

    private static int IndexOf(byte[] idx, int count, string hexId)
    {
        var id = Convert.FromHexString(hexId);
        for (var i = 0; i < count; i++)
        {
            if (idx.AsSpan(HeaderBytes + FanoutBytes + (i * IdBytes), IdBytes).SequenceEqual(id))
            {
                return i;
            }
        }

        return -1;
    }

    private static int Required(int index, string hexId) =>
        index >= 0 ? index : throw new InvalidOperationException($"{hexId} is not in the index");
}
