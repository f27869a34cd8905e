using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Tests;

/// <summary>Index selection, <c>bup midx --auto</c>/<c>-f</c> policies and stale-midx removal (docs/formats/midx-bloom.md, "The lookup chain" and "Policies").</summary>
public sealed class MidxMaintenanceTests : IDisposable
{
    private readonly LookupTestDirectory _dir = new();
    private int _seed;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WithoutMidxEveryIdxIsSelected()
    {
        var idx = new[] { Idx("pack-a.idx", 3), Idx("pack-b.idx", 4) };
        var (midx, selected) = MidxMaintenance.SelectIndexes(_dir.Path);
        Assert.Empty(midx);
        Assert.Equal(idx.Order(), selected.Order());
    }

    [Fact]
    public void AMidxReplacesTheIdxItCovers()
    {
        var a = Idx("pack-a.idx", 3);
        var b = Idx("pack-b.idx", 4);
        var c = Idx("pack-c.idx", 5);
        var written = MultiPackIndex.Write(_dir.Path, [a, b]);
        var (midx, idx) = MidxMaintenance.SelectIndexes(_dir.Path);
        Assert.Equal([written], midx);
        Assert.Equal([c], idx);
    }

    [Fact]
    public void CoverageDoesNotDependOnHowTheDirectoryIsSpelled()
    {
        var a = Idx("pack-a.idx", 3);
        var b = Idx("pack-b.idx", 4);
        MultiPackIndex.Write(_dir.Path, [a, b]);
        var (midx, idx) = MidxMaintenance.SelectIndexes(_dir.Path + Path.DirectorySeparatorChar);
        Assert.Single(midx);
        Assert.Empty(idx);
    }

    [Fact]
    public void UnusableMidxFilesAreIgnoredButNotDeletedBySelection()
    {
        var a = Idx("pack-a.idx", 3);
        var missing = Write("missing.midx", LookupTestData.BuildMidx(0, [(Id(), 0)], ["pack-a.idx", "pack-gone.idx"]));
        var damaged = Write("damaged.midx", [.. "MIDX"u8, 0, 0, 0, 4]);
        var future = Write("future.midx", LookupTestData.BuildMidx(0, [(Id(), 0)], ["pack-a.idx"], version: 5));
        var (midx, idx) = MidxMaintenance.SelectIndexes(_dir.Path);
        Assert.Empty(midx);
        Assert.Equal([a], idx);
        Assert.All([missing, damaged, future], p => Assert.True(File.Exists(p)));
    }

    [Fact]
    public void TheBiggestMidxWinsAndSmallerCoveredOnesAreRedundant()
    {
        var a = Idx("pack-a.idx", 3);
        var b = Idx("pack-b.idx", 4);
        var c = Idx("pack-c.idx", 5);
        var small = MultiPackIndex.Write(_dir.Path, [a, b]);
        var big = MultiPackIndex.Write(_dir.Path, [a, b, c]);
        AssertSelection([big], []);

        MidxMaintenance.RemoveStale(_dir.Path);
        Assert.False(File.Exists(small));
        Assert.True(File.Exists(big));
    }

    [Fact]
    public void RemoveStaleDeletesMidxFilesNamingMissingIdxOnly()
    {
        var a = Idx("pack-a.idx", 3);
        var b = Idx("pack-b.idx", 3);
        var midx = MultiPackIndex.Write(_dir.Path, [a, b]);
        var damaged = Write("damaged.midx", [.. "MIDX"u8, 0, 0, 0, 4]);
        File.Delete(b);
        MidxMaintenance.RemoveStale(_dir.Path);
        Assert.False(File.Exists(midx));
        Assert.True(File.Exists(damaged));
        AssertSelection([], [a]);
    }

    [Fact]
    public void AutoLeavesFiveFilesAlone()
    {
        for (var i = 0; i < 5; i++)
        {
            Idx($"pack-{i}.idx", 10 + i);
        }

        MidxMaintenance.Auto(_dir.Path);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.midx"));
    }

    [Fact]
    public void AutoMergesAllButTheLargestOrderedBySizeThenPath()
    {
        // Sizes deliberately disagree with name order: bup sorts by (object count, path).
        string[] names = ["pack-f.idx", "pack-e.idx", "pack-d.idx", "pack-c.idx", "pack-b.idx", "pack-a.idx"];
        var paths = names.Select((n, i) => Idx(n, 10 + i)).ToArray();
        MidxMaintenance.Auto(_dir.Path);

        var (midx, idx) = Selection();
        Assert.Equal([paths[5]], idx);
        using var merged = MultiPackIndex.Open(Assert.Single(midx));
        Assert.Equal(names[..5], merged.IdxNames);
        Assert.Equal(10 + 11 + 12 + 13 + 14, merged.Count);
        Assert.Equal(MultiPackIndex.OutputName(paths[..5]), Path.GetFileName(merged.Path));
    }

    [Fact]
    public void AutoKeepsMergingAsPacksAccumulate()
    {
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                Idx($"pack-{round}-{i}.idx", 5 + i + round);
            }

            MidxMaintenance.Auto(_dir.Path);
            var (midx, idx) = Selection();
            Assert.True(midx.Length + idx.Length <= MidxMaintenance.AutoHighWaterMark);
            AssertSelectionFindsEverything();
        }
    }

    [Fact]
    public void ForceMergesEverythingAndLeavesOldMidxForLaterRemoval()
    {
        var a = Idx("pack-a.idx", 7);
        var b = Idx("pack-b.idx", 3);
        var c = Idx("pack-c.idx", 5);
        var old = MultiPackIndex.Write(_dir.Path, [a, b]);
        MidxMaintenance.Force(_dir.Path);

        var all = MultiPackIndex.OutputName([b, c, a]);
        using (var merged = MultiPackIndex.Open(Path.Combine(_dir.Path, all)))
        {
            Assert.Equal(["pack-b.idx", "pack-c.idx", "pack-a.idx"], merged.IdxNames);
        }

        Assert.True(File.Exists(old));
        MidxMaintenance.Auto(_dir.Path);
        Assert.False(File.Exists(old));
        AssertSelection([Path.Combine(_dir.Path, all)], []);
    }

    [Fact]
    public void ForceWithOneIdxDoesNothing()
    {
        Idx("pack-a.idx", 3);
        MidxMaintenance.Force(_dir.Path);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.midx"));
    }

    private void AssertSelection(string[] midx, string[] idx)
    {
        var selection = Selection();
        Assert.Equal(midx, selection.Midx);
        Assert.Equal(idx, selection.Idx);
    }

    private (string[] Midx, string[] Idx) Selection()
    {
        var (midx, idx) = MidxMaintenance.SelectIndexes(_dir.Path);
        return ([.. midx], [.. idx]);
    }

    /// <summary>Every id of every idx is found through the selected midx/idx files, in the idx that holds it.</summary>
    private void AssertSelectionFindsEverything()
    {
        var (midxPaths, idxPaths) = MidxMaintenance.SelectIndexes(_dir.Path);
        var midxs = midxPaths.Select(MultiPackIndex.Open).ToList();
        var idxs = idxPaths.Select(PackIndex.Open).ToList();
        try
        {
            foreach (var path in Directory.GetFiles(_dir.Path, "*.idx"))
            {
                using var idx = PackIndex.Open(path);
                for (var i = 0; i < idx.Count; i++)
                {
                    var id = idx.GetId(i);
                    var viaMidx = midxs.Any(m => m.TryFind(id, out var name) && name == Path.GetFileName(path));
                    Assert.True(viaMidx || idxs.Any(x => x.Path == path && x.Contains(id)));
                }
            }
        }
        finally
        {
            midxs.ForEach(m => m.Dispose());
            idxs.ForEach(x => x.Dispose());
        }
    }

    private string Idx(string name, int count) => LookupTestData.WriteIdx(_dir.Path, name, LookupTestData.RandomIds(count, ++_seed));

    private string Write(string name, byte[] bytes) => _dir.Write(name, bytes);

    private ObjectId Id() => LookupTestData.RandomIds(1, 1000 + ++_seed)[0];
}
