using System.Text;

namespace Compat.Tests.Support;

/// <summary>Deterministic test files: random, zero and text runs mixed, as backups of real folders are.</summary>
internal static class MixedData
{
    private static readonly string[] Words =
        ["backup", "repository", "chunk", "the", "of", "tree", "commit", "snapshot", "file", "data", "and", "restore", "index", "metadata"];

    /// <summary>About 45% random, 20% zeros and 35% text, in runs of 4 KiB to 2 MiB.</summary>
    public static byte[] Create(int size, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[size];
        for (var pos = 0; pos < size;)
        {
            var run = Math.Min(size - pos, rng.Next(4096, 2 << 20));
            var kind = rng.NextDouble();
            if (kind < 0.45)
            {
                rng.NextBytes(data.AsSpan(pos, run));
            }
            else if (kind >= 0.65)
            {
                FillText(rng, data.AsSpan(pos, run));
            }

            pos += run;
        }

        return data;
    }

    private static void FillText(Random rng, Span<byte> target)
    {
        var sb = new StringBuilder(target.Length + 32);
        while (sb.Length < target.Length)
        {
            sb.Append(Words[rng.Next(Words.Length)]).Append(rng.Next(12) == 0 ? '\n' : ' ');
            if (rng.Next(16) == 0)
            {
                sb.Append(rng.Next(100000)).Append(' ');
            }
        }

        Encoding.ASCII.GetBytes(sb.ToString(0, target.Length), target);
    }
}
