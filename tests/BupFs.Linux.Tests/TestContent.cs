using System.Buffers.Binary;

namespace BupFs.Linux.Tests;

/// <summary>Deterministic pseudo-random file content computed from the offset (no storage needed).</summary>
internal static class TestContent
{
    /// <summary>Fills <paramref name="destination"/> with the content starting at <paramref name="offset"/>.</summary>
    public static void Fill(long offset, Span<byte> destination)
    {
        Span<byte> block = stackalloc byte[8];
        int done = 0;
        while (done < destination.Length)
        {
            long position = offset + done;
            BinaryPrimitives.WriteUInt64LittleEndian(block, Mix((ulong)(position / 8)));
            int skip = (int)(position % 8);
            int take = Math.Min(8 - skip, destination.Length - done);
            block.Slice(skip, take).CopyTo(destination[done..]);
            done += take;
        }
    }

    /// <summary>The content of [offset, offset + length).</summary>
    public static byte[] Slice(long offset, int length)
    {
        var bytes = new byte[length];
        Fill(offset, bytes);
        return bytes;
    }

    private static ulong Mix(ulong value)
    {
        // splitmix64 finaliser: neighbouring blocks get unrelated bytes, so misplaced reads show.
        value += 0x9E3779B97F4A7C15UL;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
