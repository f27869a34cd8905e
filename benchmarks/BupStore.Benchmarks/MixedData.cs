using System.Text;

namespace BupStore.Benchmarks;

/// <summary>
/// Deterministic benchmark input shaped like scripts/bench.sh's file: about 45% random, 20% zero and
/// 35% text bytes, in runs of 64 KiB to 1 MiB (shorter than the file's so 64 MB still mixes well).
/// </summary>
internal static class MixedData
{
    private static readonly string[] Words = ["backup", "chunk", "the", "of", "tree", "commit", "file", "data", "and", "pack", "object", "a"];

    public static byte[] Create(int size, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[size];
        for (var pos = 0; pos < size;)
        {
            var run = Math.Min(size - pos, rng.Next(64 << 10, 1 << 20));
            var span = data.AsSpan(pos, run);
            var kind = rng.NextDouble();
            if (kind < 0.45)
            {
                rng.NextBytes(span);
            }
            else if (kind >= 0.65)
            {
                FillText(rng, span);
            }

            pos += run;
        }

        return data;
    }

    private static void FillText(Random rng, Span<byte> target)
    {
        var text = new StringBuilder(target.Length + 16);
        while (text.Length < target.Length)
        {
            text.Append(Words[rng.Next(Words.Length)]).Append(rng.Next(8) == 0 ? $" {rng.Next(100_000)}\n" : " ");
        }

        Encoding.ASCII.GetBytes(text.ToString(0, target.Length), target);
    }
}
