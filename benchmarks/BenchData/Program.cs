using System.Text;

namespace BenchData;

/// <summary>
/// bench-data FILE SIZE_MB [SEED]: a deterministic mix of about 45% random, 20% zero and 35% text
/// bytes in runs of 64 KiB to 4 MiB; bench-data --tree DIR COUNT [SEED]: COUNT small files in nested
/// folders. The text never repeats, so no tool gains from accidental duplicates.
/// </summary>
public static class Program
{
    private static readonly string[] Words =
    [
        "backup", "repository", "chunk", "the", "of", "tree", "commit", "snapshot", "file", "data", "and", "restore",
        "index", "metadata", "mount", "kernel", "page", "cache", "offset", "stream", "archive", "pack", "object", "a",
    ];

    public static int Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == "--tree")
        {
            WriteTree(args[1], int.Parse(args[2]), args.Length > 3 ? int.Parse(args[3]) : 1);
            return 0;
        }

        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: bench-data FILE SIZE_MB [SEED] | --tree DIR COUNT [SEED]");
            return 2;
        }

        WriteMix(args[0], long.Parse(args[1]) * 1_000_000, args.Length > 2 ? int.Parse(args[2]) : 1);
        return 0;
    }

    private static void WriteMix(string path, long size, int seed)
    {
        var rng = new Random(seed);
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[4 << 20];
        for (long pos = 0; pos < size;)
        {
            var run = (int)Math.Min(size - pos, rng.Next(64 << 10, 4 << 20));
            var span = buffer.AsSpan(0, run);
            var kind = rng.NextDouble();
            if (kind < 0.45)
            {
                rng.NextBytes(span);
            }
            else if (kind < 0.65)
            {
                span.Clear();
            }
            else
            {
                FillText(rng, span);
            }

            output.Write(span);
            pos += run;
        }
    }

    private static void FillText(Random rng, Span<byte> target)
    {
        var sb = new StringBuilder(target.Length + 64);
        while (sb.Length < target.Length)
        {
            sb.Append(Words[rng.Next(Words.Length)]);
            sb.Append(rng.Next(10) switch { 0 => "\n", 1 => $" {rng.Next(1_000_000)} ", _ => " " });
        }

        Encoding.ASCII.GetBytes(sb.ToString(0, target.Length), target);
    }

    private static void WriteTree(string root, int count, int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var dir = Path.Combine(root, $"d{i % 20:D2}", $"s{i % 7}");
            Directory.CreateDirectory(dir);
            var data = new byte[rng.Next(0, 16 << 10)];
            if (rng.Next(2) == 0)
            {
                rng.NextBytes(data);
            }
            else
            {
                FillText(rng, data);
            }

            File.WriteAllBytes(Path.Combine(dir, $"f{i:D5}.dat"), data);
        }
    }
}
