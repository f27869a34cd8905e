using BenchmarkDotNet.Attributes;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Benchmarks;

/// <summary>
/// Object-existence lookups through the three index formats over generated ids: one idx holding all
/// of them, a midx over four idx, and a bloom filter sized by bup's rule. Each operation looks up
/// <see cref="Batch"/> ids, half the benchmarks present ones and half absent ones. Expect zero
/// allocations per operation.
/// </summary>
[MemoryDiagnoser]
public class LookupBenchmarks
{
    private const int Batch = 1024;
    private const int IdxFiles = 4;

    private string _directory = "";
    private PackIndex _idx = null!;
    private MultiPackIndex _midx = null!;
    private BloomFilter _bloom = null!;
    private ObjectId[] _present = [];
    private ObjectId[] _absent = [];

    /// <summary>Total ids in the repository.</summary>
    [Params(200_000, 1_000_000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("bupstore-bench-").FullName;
        var random = new Random(42);
        var ids = RandomIds(random, Count + Batch);
        _absent = ids[Count..];
        _present = [.. ids[..Count].OrderBy(_ => random.Next()).Take(Batch)];
        var all = WriteIdx("pack-all.idx", ids[..Count]);
        var parts = Enumerable.Range(0, IdxFiles)
            .Select(p => WriteIdx($"pack-{p}.idx", ids[(p * Count / IdxFiles)..((p + 1) * Count / IdxFiles)]))
            .ToList();
        _idx = PackIndex.Open(all);
        _midx = MultiPackIndex.Open(MultiPackIndex.Write(_directory, parts));
        var bloomPath = Path.Combine(_directory, "bup.bloom");
        BloomFilter.WriteNew(bloomPath, Count, parts);
        _bloom = BloomFilter.Open(bloomPath);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _idx.Dispose();
        _midx.Dispose();
        _bloom.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int IdxPresent() => IdxHits(_present);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int IdxAbsent() => IdxHits(_absent);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int MidxPresent() => MidxHits(_present);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int MidxAbsent() => MidxHits(_absent);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int BloomPresent() => BloomHits(_present);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int BloomAbsent() => BloomHits(_absent);

    private int IdxHits(ObjectId[] ids)
    {
        var hits = 0;
        foreach (var id in ids)
        {
            hits += _idx.TryFind(id, out _) ? 1 : 0;
        }

        return hits;
    }

    private int MidxHits(ObjectId[] ids)
    {
        var hits = 0;
        foreach (var id in ids)
        {
            hits += _midx.TryFind(id, out _) ? 1 : 0;
        }

        return hits;
    }

    private int BloomHits(ObjectId[] ids)
    {
        var hits = 0;
        foreach (var id in ids)
        {
            hits += _bloom.MayContain(id) ? 1 : 0;
        }

        return hits;
    }

    private string WriteIdx(string name, ReadOnlySpan<ObjectId> ids)
    {
        var path = Path.Combine(_directory, name);
        var entries = new PackIndexEntry[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            entries[i] = new PackIndexEntry(ids[i], 12 + (i * 100L), (uint)i);
        }

        using var stream = File.Create(path);
        PackIndex.Write(stream, entries, ObjectId.Zero);
        return path;
    }

    private static ObjectId[] RandomIds(Random random, int count)
    {
        var raw = new byte[count * ObjectId.Size];
        random.NextBytes(raw);
        return [.. Enumerable.Range(0, count).Select(i => ObjectId.FromBytes(raw.AsSpan(i * ObjectId.Size, ObjectId.Size)))];
    }
}
