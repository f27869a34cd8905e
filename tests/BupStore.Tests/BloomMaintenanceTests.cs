using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Tests;

/// <summary><c>bup bloom</c> policy (incremental add vs rebuild) and the lookup usability rule (docs/formats/midx-bloom.md, "Sizing and policy" and "The lookup chain").</summary>
public sealed class BloomMaintenanceTests : IDisposable
{
    private readonly LookupTestDirectory _dir = new();
    private readonly List<ObjectId> _ids = [];
    private int _seed;

    public void Dispose() => _dir.Dispose();

    private string BloomPath => Path.Combine(_dir.Path, BloomMaintenance.FileName);

    [Fact]
    public void NoIdxMeansNoBloom()
    {
        BloomMaintenance.Update(_dir.Path);
        Assert.False(File.Exists(BloomPath));
    }

    [Fact]
    public void FirstUpdateBuildsAFilterOfEveryIdx()
    {
        Idx("pack-a.idx", 100);
        Idx("pack-b.idx", 50);
        BloomMaintenance.Update(_dir.Path);
        using var bloom = BloomFilter.Open(BloomPath);
        Assert.Equal((BloomFilter.ComputeSize(150).Bits, 5, 150L), (bloom.Bits, bloom.K, bloom.Entries));
        Assert.Equal(["pack-a.idx", "pack-b.idx"], bloom.IdxNames.Order());
        Assert.All(_ids, id => Assert.True(bloom.MayContain(id)));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "bup.tmp.bloom")));
    }

    [Fact]
    public void NothingNewLeavesTheFileUntouched()
    {
        Idx("pack-a.idx", 10);
        BloomMaintenance.Update(_dir.Path);
        var before = File.ReadAllBytes(BloomPath);
        var written = File.GetLastWriteTimeUtc(BloomPath);
        BloomMaintenance.Update(_dir.Path);
        Assert.Equal(before, File.ReadAllBytes(BloomPath));
        Assert.Equal(written, File.GetLastWriteTimeUtc(BloomPath));
    }

    [Fact]
    public void NewIdxAreAddedInPlaceWhileTheRateStaysLow()
    {
        Idx("pack-a.idx", 100);
        Idx("pack-b.idx", 100);
        BloomMaintenance.Update(_dir.Path);
        var names = ReadNames();
        Idx("pack-c.idx", 10);
        BloomMaintenance.Update(_dir.Path);

        using var bloom = BloomFilter.Open(BloomPath);
        Assert.Equal((9, 210L), (bloom.Bits, bloom.Entries));
        Assert.Equal([.. names, "pack-c.idx"], bloom.IdxNames);
        var table = BloomFilterTests.IndependentTable(_ids, 9, 5);
        Assert.Equal(table, File.ReadAllBytes(BloomPath)[16..(16 + 512)]);
    }

    [Fact]
    public void AFilterThatWouldPassOnePercentIsRebuiltBigger()
    {
        Idx("pack-a.idx", 1);
        BloomMaintenance.Update(_dir.Path);
        Idx("pack-b.idx", 20);
        BloomMaintenance.Update(_dir.Path);
        using var bloom = BloomFilter.Open(BloomPath);
        Assert.Equal((6, 21L), (bloom.Bits, bloom.Entries));
        Assert.Equal(["pack-b.idx", "pack-a.idx"], bloom.IdxNames); // bup lists new idx first on rebuild
        Assert.All(_ids, id => Assert.True(bloom.MayContain(id)));
    }

    [Fact]
    public void AnEntryCountThatDisagreesWithItsIdxForcesARebuild()
    {
        // The state a crash leaves between "names appended" and "entries raised" of an in-place add.
        Idx("pack-a.idx", 30);
        BloomMaintenance.Update(_dir.Path);
        var c = Idx("pack-c.idx", 5);
        File.AppendAllText(BloomPath, "\0" + Path.GetFileName(c));
        using (var torn = BloomFilter.Open(BloomPath))
        {
            Assert.False(BloomMaintenance.IsUsable(torn, 35));
        }

        Idx("pack-d.idx", 5);
        BloomMaintenance.Update(_dir.Path);
        using var bloom = BloomFilter.Open(BloomPath);
        Assert.Equal(40, bloom.Entries);
        Assert.Equal(["pack-a.idx", "pack-c.idx", "pack-d.idx"], bloom.IdxNames.Order());
        Assert.All(_ids, id => Assert.True(bloom.MayContain(id)));
    }

    [Fact]
    public void ForceAndADifferentKRebuild()
    {
        Idx("pack-a.idx", 30);
        BloomMaintenance.Update(_dir.Path);
        Idx("pack-b.idx", 2);
        BloomMaintenance.Update(_dir.Path, k: 4);
        using (var bloom = BloomFilter.Open(BloomPath))
        {
            Assert.Equal((4, 32L), (bloom.K, bloom.Entries));
        }

        File.WriteAllBytes(BloomPath, File.ReadAllBytes(BloomPath)[..20]);
        BloomMaintenance.Update(_dir.Path, force: true);
        using var rebuilt = BloomFilter.Open(BloomPath);
        Assert.Equal((5, 32L), (rebuilt.K, rebuilt.Entries));
    }

    [Fact]
    public void ADamagedFilterIsRegenerated()
    {
        Idx("pack-a.idx", 30);
        File.WriteAllBytes(BloomPath, [.. "BLOM"u8, 0, 0, 0, 2, 0, 40, 0, 5]);
        BloomMaintenance.Update(_dir.Path);
        using var bloom = BloomFilter.Open(BloomPath);
        Assert.Equal(30, bloom.Entries);
    }

    [Fact]
    public void LookupsMayOnlyUseAFilterCoveringEveryLoadedObject()
    {
        Idx("pack-a.idx", 30);
        Assert.Null(BloomMaintenance.OpenUsable(_dir.Path, 30));
        BloomMaintenance.Update(_dir.Path);
        using (var usable = BloomMaintenance.OpenUsable(_dir.Path, 30))
        {
            Assert.NotNull(usable);
        }

        Assert.Null(BloomMaintenance.OpenUsable(_dir.Path, 31));
        File.WriteAllBytes(BloomPath, [.. "BLOM"u8, 0, 0, 0, 3]);
        Assert.Null(BloomMaintenance.OpenUsable(_dir.Path, 0));
    }

    private string[] ReadNames()
    {
        using var bloom = BloomFilter.Open(BloomPath);
        return [.. bloom.IdxNames];
    }

    private string Idx(string name, int count)
    {
        var ids = LookupTestData.RandomIds(count, ++_seed);
        _ids.AddRange(ids);
        return LookupTestData.WriteIdx(_dir.Path, name, ids);
    }
}
