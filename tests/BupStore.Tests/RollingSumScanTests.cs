using BupStore.Hashsplit;

namespace BupStore.Tests;

/// <summary>
/// The vectorised scan against <see cref="RollingSum"/> rolled byte by byte: same first split,
/// same sums (low 16 bits) at the split and at the end, from any start, length and alignment.
/// </summary>
public class RollingSumScanTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MatchesReferenceOnRandomRanges(int seed)
    {
        var rng = new Random(seed);
        var data = Mixed(rng, 400_000);
        for (var round = 0; round < 300; round++)
        {
            var from = rng.Next(RollingSum.WindowSize, data.Length);
            var to = Math.Min(data.Length, from + rng.Next(0, round % 3 == 0 ? 100 : 40_000));
            var (s1, s2) = ((uint)rng.Next(), (uint)rng.Next());
            foreach (var vector in new[] { true, false })
            {
                var (v1, v2) = (s1, s2);
                var hit = RollingSumScan.Find(data, from, to, ref v1, ref v2, vector);
                var (expectHit, e1, e2) = Reference(data, from, to, s1, s2);
                Assert.Equal(expectHit, hit);
                Assert.Equal(e1 & 0xFFFF, v1 & 0xFFFF);
                Assert.Equal(e2 & 0xFFFF, v2 & 0xFFFF);
            }
        }
    }

    [Fact]
    public void FindsEverySplitOfALongRun()
    {
        // Walk split to split, so hits land in every lane position of the 16-byte blocks.
        var data = new byte[2_000_000];
        new Random(11).NextBytes(data);
        var lanes = new HashSet<int>();
        uint s1 = RollingSum.InitialS1, s2 = RollingSum.InitialS2;
        var r = new RollingSum();
        for (var x = 0; x < RollingSum.WindowSize; x++)
        {
            r.Roll(data[x]);
        }

        (s1, s2) = (r.S1, r.S2);
        var from = RollingSum.WindowSize;
        var splits = 0;
        while (true)
        {
            var (expectHit, e1, e2) = Reference(data, from, data.Length, s1, s2);
            var hit = RollingSumScan.Find(data, from, data.Length, ref s1, ref s2);
            Assert.Equal(expectHit, hit);
            Assert.Equal((e1 & 0xFFFF, e2 & 0xFFFF), (s1 & 0xFFFF, s2 & 0xFFFF));
            if (hit < 0)
            {
                break;
            }

            lanes.Add((hit - from) % 16);
            splits++;
            from = hit + 1;
        }

        Assert.True(splits > 100, $"only {splits} splits");
        Assert.Equal(16, lanes.Count);
    }

    [Fact]
    public void RejectsARangeWithoutAFullWindow()
    {
        uint s1 = 0, s2 = 0;
        Assert.Throws<ArgumentOutOfRangeException>(() => RollingSumScan.Find(new byte[100], 63, 100, ref s1, ref s2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RollingSumScan.Find(new byte[100], 64, 101, ref s1, ref s2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RollingSumScan.Find(new byte[100], 80, 70, ref s1, ref s2));
    }

    /// <summary>bup's update rule written out with <see cref="RollingSum"/>'s arithmetic.</summary>
    private static (int Hit, uint S1, uint S2) Reference(byte[] data, int from, int to, uint s1, uint s2)
    {
        for (var x = from; x < to; x++)
        {
            uint drop = data[x - RollingSum.WindowSize];
            s1 = s1 + data[x] - drop;
            s2 = s2 + s1 - (RollingSum.WindowSize * (drop + RollingSum.CharOffset));
            if ((s2 & 0x1FFF) == 0x1FFF)
            {
                return (x, s1, s2);
            }
        }

        return (-1, s1, s2);
    }

    private static byte[] Mixed(Random rng, int n)
    {
        var data = new byte[n];
        for (var pos = 0; pos < n;)
        {
            var run = Math.Min(n - pos, rng.Next(1, 5000));
            switch (rng.Next(4))
            {
                case 0: rng.NextBytes(data.AsSpan(pos, run)); break;
                case 1: break;
                case 2: data.AsSpan(pos, run).Fill(0xFF); break;
                default:
                    for (var i = 0; i < run; i++)
                    {
                        data[pos + i] = (byte)"the quick brown fox "[(pos + i) % 20];
                    }

                    break;
            }

            pos += run;
        }

        return data;
    }
}
