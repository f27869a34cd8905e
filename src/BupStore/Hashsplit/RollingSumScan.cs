using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BupStore.Hashsplit;

/// <summary>
/// The hot loop of hashsplitting: rolls bup's sum (<see cref="RollingSum"/>) over a range whose
/// window is already full and stops at the first split point (low 13 bits of s2 all ones).
/// </summary>
/// <remarks>
/// Only the low 16 bits of s1 and s2 are ever observed (the digest is s1 &lt;&lt; 16 | s2 &amp; 0xFFFF
/// and the split test reads 13 bits), and sums modulo 2^16 depend only on their inputs modulo
/// 2^16, so 16-bit lanes give bit-identical results. The vector form computes 16 positions at a
/// time from two prefix sums: with d = add - drop and P its running sum, s1 = s1' + P and
/// s2 = s2' + k·s1' + Σ(P - 64·drop) - k·64·31 at the k-th position of the block.
/// </remarks>
public static class RollingSumScan
{
    private const uint SplitMask = (1u << 13) - 1;
    private const int Window = RollingSum.WindowSize;
    private const int Block = 16;

    /// <summary>
    /// Rolls bytes [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="buffer"/>;
    /// returns the index of the first byte after which the sum splits, or -1. The sums are left as
    /// they are after that byte (or after the last byte); their low 16 bits are exact.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless 64 &lt;= from &lt;= to &lt;= buffer length.</exception>
    public static int Find(ReadOnlySpan<byte> buffer, int from, int to, ref uint s1, ref uint s2) =>
        Find(buffer, from, to, ref s1, ref s2, vector: true);

    /// <summary>
    /// As <see cref="Find(ReadOnlySpan{byte}, int, int, ref uint, ref uint)"/>; <paramref name="vector"/>
    /// false forces the portable one-byte-at-a-time loop (for comparisons; results are identical).
    /// </summary>
    public static unsafe int Find(ReadOnlySpan<byte> buffer, int from, int to, ref uint s1, ref uint s2, bool vector)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, Window);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to, buffer.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        fixed (byte* p = buffer)
        {
            var x = from;
            if (vector && Avx2.IsSupported)
            {
                var hit = FindAvx2(p, ref x, to, ref s1, ref s2);
                if (hit >= 0)
                {
                    return hit;
                }
            }

            return FindScalar(p, x, to, ref s1, ref s2);
        }
    }

    /// <summary>One byte at a time; also finishes the ragged end of the vector loop.</summary>
    private static unsafe int FindScalar(byte* p, int from, int to, ref uint s1Ref, ref uint s2Ref)
    {
        uint s1 = s1Ref, s2 = s2Ref;
        for (var x = from; x < to; x++)
        {
            uint add = p[x];
            uint drop = p[x - Window];
            s1 += add - drop;
            s2 += s1 - (Window * (drop + RollingSum.CharOffset));
            if ((s2 & SplitMask) == SplitMask)
            {
                (s1Ref, s2Ref) = (s1, s2);
                return x;
            }
        }

        (s1Ref, s2Ref) = (s1, s2);
        return -1;
    }

    /// <summary>16 positions per step; leaves <paramref name="x"/> at the first byte not rolled.</summary>
    private static unsafe int FindAvx2(byte* p, ref int x, int to, ref uint s1, ref uint s2)
    {
        var ramp = Vector256.Create((ushort)1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        var offsets = ramp * (ushort)(Window * RollingSum.CharOffset);
        var mask = Vector256.Create((ushort)SplitMask);
        var sum1 = Vector256.Create((ushort)s1);
        var sum2 = Vector256.Create((ushort)s2);
        var pos = x;
        for (; pos <= to - Block; pos += Block)
        {
            var add = Avx2.ConvertToVector256Int16(p + pos).AsUInt16();
            var drop = Avx2.ConvertToVector256Int16(p + pos - Window).AsUInt16();
            var rise = PrefixSum(add - drop);
            var lane1 = sum1 + rise;
            var lane2 = sum2 + (sum1 * ramp) + PrefixSum(rise - (drop << 6)) - offsets;
            var hits = (uint)Avx2.MoveMask(Vector256.Equals(lane2 & mask, mask).AsByte());
            if (hits != 0)
            {
                var lane = BitOperations.TrailingZeroCount(hits) / 2;
                (s1, s2) = (lane1.GetElement(lane), lane2.GetElement(lane));
                x = pos + lane;
                return x;
            }

            sum1 = BroadcastLast(lane1);
            sum2 = BroadcastLast(lane2);
        }

        (s1, s2, x) = (sum1.ToScalar(), sum2.ToScalar(), pos);
        return -1;
    }

    /// <summary>Running sum of 16 lanes: in-lane doubling steps, then the low half's total carried up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> PrefixSum(Vector256<ushort> v)
    {
        v += Avx2.ShiftLeftLogical128BitLane(v, 2);
        v += Avx2.ShiftLeftLogical128BitLane(v, 4);
        v += Avx2.ShiftLeftLogical128BitLane(v, 8);
        var last = Avx2.Shuffle(v.AsByte(), LastOfEachHalf()).AsUInt16();
        return v + Avx2.Permute2x128(last, last, 0x08);
    }

    /// <summary>Every lane set to lane 15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> BroadcastLast(Vector256<ushort> v)
    {
        var top = Avx2.Permute4x64(v.AsUInt64(), 0xFF).AsByte();
        return Avx2.Shuffle(top, LastOfEachHalf()).AsUInt16();
    }

    /// <summary>pshufb control copying word 7 of each 128-bit half across that half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> LastOfEachHalf() => Vector256.Create((ushort)0x0F0E).AsByte();
}
