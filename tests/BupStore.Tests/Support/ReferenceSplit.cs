using BupStore.Hashsplit;

namespace BupStore.Tests.Support;

/// <summary>A literal, slow transcription of bup's _splitbuf loop (docs/formats/hashsplit.md, "Chunking a stream: bup's buffering"), as an oracle.</summary>
public static class ReferenceSplit
{
    public static List<(int Length, int Level)> Cuts(byte[] data, int putSize)
    {
        var result = new List<(int, int)>();
        var buffer = new List<byte>();
        for (var pos = 0; pos < data.Length; pos += putSize)
        {
            buffer.AddRange(data.AsSpan(pos, Math.Min(putSize, data.Length - pos)).ToArray());
            while (true)
            {
                var (ofs, bits) = FindOfs(buffer);
                if (ofs == 0)
                {
                    break;
                }

                var level = ofs > HashSplitter.BlobMax ? 0 : (bits - 13) / 4;
                ofs = Math.Min(ofs, HashSplitter.BlobMax);
                result.Add((ofs, level));
                buffer.RemoveRange(0, ofs);
            }

            while (buffer.Count >= HashSplitter.BlobMax)
            {
                result.Add((HashSplitter.BlobMax, 0));
                buffer.RemoveRange(0, HashSplitter.BlobMax);
            }
        }

        if (buffer.Count > 0)
        {
            result.Add((buffer.Count, 0));
        }

        return result;
    }

    private static (int Ofs, int Bits) FindOfs(List<byte> buffer)
    {
        var r = new RollingSum();
        for (var i = 0; i < buffer.Count; i++)
        {
            r.Roll(buffer[i]);
            if ((r.S2 & 0x1FFF) == 0x1FFF)
            {
                return (i + 1, HashSplitter.Bits(r.Digest));
            }
        }

        return (0, 0);
    }
}
