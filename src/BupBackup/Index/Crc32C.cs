using System.Buffers.Binary;
using System.Numerics;

namespace BupBackup.Index;

/// <summary>CRC-32C (Castagnoli) with the hardware instruction where the CPU has one.</summary>
internal static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/> (initial value all ones, final complement).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
