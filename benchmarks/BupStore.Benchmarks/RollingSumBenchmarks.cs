using BenchmarkDotNet.Attributes;
using BupStore.Hashsplit;

namespace BupStore.Benchmarks;

/// <summary>
/// Hashsplitting throughput over one 64 MB buffer of mixed data (<see cref="MixedData"/>): the
/// rolling sum rolled a byte at a time through <see cref="RollingSum"/>, the scan loop in its
/// scalar and vector forms walking from split to split, and the whole <see cref="HashSplitter"/>
/// in bup's 8 MiB puts. Divide <see cref="Size"/> by the mean time for bytes per second.
/// </summary>
[MemoryDiagnoser]
public class RollingSumBenchmarks
{
    /// <summary>Bytes per operation.</summary>
    public const int Size = 64 << 20;

    private byte[] _data = [];

    [GlobalSetup]
    public void Setup() => _data = MixedData.Create(Size, seed: 1);

    /// <summary>The reference struct, one call per byte, testing the split condition each time.</summary>
    [Benchmark]
    public int RollingSumPerByte()
    {
        var sum = new RollingSum();
        var splits = 0;
        foreach (var b in _data)
        {
            sum.Roll(b);
            splits += (sum.S2 & 0x1FFF) == 0x1FFF ? 1 : 0;
        }

        return splits;
    }

    [Benchmark]
    public int ScanScalar() => Walk(vector: false);

    [Benchmark(Baseline = true)]
    public int ScanVector() => Walk(vector: true);

    /// <summary>Everything but hashing and storing: copies into puts, cuts, levels.</summary>
    [Benchmark]
    public int Splitter()
    {
        var splitter = new HashSplitter();
        var chunks = 0;
        for (var pos = 0; pos < _data.Length; pos += HashSplitter.ReadSize)
        {
            using var batch = splitter.Put(_data.AsSpan(pos, Math.Min(HashSplitter.ReadSize, _data.Length - pos)));
            chunks += batch.Chunks.Count;
        }

        using var last = splitter.Finish();
        return chunks + last.Chunks.Count;
    }

    /// <summary>Scans the whole buffer, resuming after each split with the sums carried on.</summary>
    private int Walk(bool vector)
    {
        uint s1 = RollingSum.InitialS1, s2 = RollingSum.InitialS2;
        var splits = 0;
        for (var from = RollingSum.WindowSize; from < _data.Length;)
        {
            var hit = RollingSumScan.Find(_data, from, _data.Length, ref s1, ref s2, vector);
            if (hit < 0)
            {
                break;
            }

            splits++;
            from = hit + 1;
        }

        return splits;
    }
}
