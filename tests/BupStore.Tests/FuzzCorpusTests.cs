using System.Buffers.Binary;
using System.Diagnostics;
using BupStore.Formats;
using BupStore.Fuzz;

namespace BupStore.Tests;

/// <summary>
/// The fuzz targets of tests/fuzz/BupStore.Fuzz run in CI without a fuzzer: every seed of the corpus
/// (written by real bup and git) must parse cleanly, and thousands of deterministic mutations of
/// the seeds (bit flips, truncations, length and varint fields set to extremes, insertions,
/// deletions, splices) may only fail with <see cref="CorruptObjectException"/> — never another
/// exception, and never a hang.
/// </summary>
public sealed class FuzzCorpusTests
{
    private const int Mutations = 3000;
    private static readonly TimeSpan TargetBudget = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan InputBudget = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsParseCleanly(string target)
    {
        var seeds = Corpus(target);
        Assert.NotEmpty(seeds);
        foreach (var (name, bytes) in seeds)
        {
            var error = Record.Exception(() => FuzzTargets.Get(target)(bytes));
            Assert.True(error is null, $"{target} seed {name}: {error}");
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task MutationsFailOnlyAsCorruptObjects(string target)
    {
        var seeds = Corpus(target).Select(s => s.Bytes).ToArray();
        var run = Task.Run(() => Mutate(target, seeds), TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(run, Task.Delay(TargetBudget, TestContext.Current.CancellationToken));
        Assert.True(finished == run, $"{target}: {Mutations} inputs did not finish within {TargetBudget} (a hang?)");
        var failures = await run;
        Assert.True(failures.Count == 0, $"{target}: {failures.Count} bad outcome(s):\n{string.Join("\n", failures.Take(5))}");
    }

    private static List<string> Mutate(string target, byte[][] seeds)
    {
        var run = FuzzTargets.Get(target);
        var random = new Random(target.GetHashCode(StringComparison.Ordinal) ^ 0x5EED);
        var failures = new List<string>();
        for (var i = 0; i < Mutations; i++)
        {
            var input = Mutator.Apply(random, seeds);
            var clock = Stopwatch.StartNew();
            try
            {
                run(input);
            }
            catch (CorruptObjectException)
            {
            }
            catch (Exception e)
            {
                failures.Add($"#{i} {e.GetType().Name}: {e.Message} (input {Save(target, i, input)})\n{e.StackTrace}");
            }

            if (clock.Elapsed > InputBudget)
            {
                failures.Add($"#{i} took {clock.Elapsed} (input {Save(target, i, input)})");
            }
        }

        return failures;
    }

    /// <summary>Keeps a failing input for replay with <c>BupStore.Fuzz TARGET --replay FILE</c>.</summary>
    private static string Save(string target, int i, byte[] input)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bupstore-fuzz-{target}-{i}.bin");
        File.WriteAllBytes(path, input);
        return path;
    }

    private static List<(string Name, byte[] Bytes)> Corpus(string target)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "corpus", target);
        return [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];
    }

    /// <summary>Deterministic structural damage, one to three steps per input.</summary>
    private static class Mutator
    {
        private static readonly uint[] Extremes32 = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFE, 0xFFFF_FFFF];
        private static readonly byte[] Extremes8 = [0x00, 0x01, 0x7F, 0x80, 0x81, 0xFE, 0xFF];

        public static byte[] Apply(Random random, byte[][] seeds)
        {
            var bytes = (byte[])seeds[random.Next(seeds.Length)].Clone();
            for (var steps = random.Next(1, 4); steps > 0; steps--)
            {
                bytes = Step(random, bytes, seeds);
            }

            return bytes;
        }

        private static byte[] Step(Random random, byte[] bytes, byte[][] seeds)
        {
            if (bytes.Length == 0)
            {
                return [(byte)random.Next(256)];
            }

            switch (random.Next(8))
            {
                case 0:
                    for (var flips = random.Next(1, 9); flips > 0; flips--)
                    {
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    return bytes;
                case 1:
                    return bytes[..random.Next(bytes.Length)];
                case 2 when bytes.Length >= 4:
                    var at = random.Next(bytes.Length - 3) & ~(random.Next(2) == 0 ? 3 : 0);
                    BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), Extremes32[random.Next(Extremes32.Length)]);
                    return bytes;
                case 3:
                    bytes[random.Next(bytes.Length)] = Extremes8[random.Next(Extremes8.Length)];
                    return bytes;
                case 4:
                    var insertAt = random.Next(bytes.Length + 1);
                    var inserted = new byte[random.Next(1, 17)];
                    random.NextBytes(inserted);
                    return [.. bytes[..insertAt], .. inserted, .. bytes[insertAt..]];
                case 5:
                    var from = random.Next(bytes.Length);
                    var to = Math.Min(bytes.Length, from + random.Next(1, 33));
                    return [.. bytes[..from], .. bytes[to..]];
                case 6:
                    var other = seeds[random.Next(seeds.Length)];
                    return [.. bytes[..random.Next(bytes.Length + 1)], .. other[random.Next(other.Length + 1)..]];
                default:
                    var start = random.Next(bytes.Length);
                    var length = Math.Min(bytes.Length - start, random.Next(1, 65));
                    return [.. bytes[..start], .. bytes.AsSpan(start, length), .. bytes[start..]];
            }
        }
    }
}
