using System.Globalization;
using BupStore.Formats;
using BupStore.Repository;

namespace Compat.Tests;

/// <summary>
/// midx files against real bup 0.33: we read bup's, bup accepts ours, and for the same idx set our
/// <c>-f</c>/<c>--auto</c> results are byte-identical to bup's (docs/formats/midx-bloom.md, "midx v4" and "The six-pack vector").
/// </summary>
public sealed class MidxCompatTests
{
    [Fact]
    public void SixPackVector()
    {
        using var repo = LookupBupRepo.CreateBup();
        var ours = repo.CopyIdxTo("ours");
        for (var i = 1; i <= 6; i++)
        {
            repo.Bup(["split", "-b"], stdin: System.Text.Encoding.UTF8.GetBytes($"file {i}\n"));
        }

        var bupMidx = Assert.Single(Directory.GetFiles(repo.PackDir, "*.midx"));
        Assert.Equal("4d494458" + "00000004" + "00000000" + "00000005", Convert.ToHexStringLower(File.ReadAllBytes(bupMidx)[..16]));
        using (var midx = MultiPackIndex.Open(bupMidx))
        {
            Assert.Equal((0, 5, 5), (midx.Bits, midx.Count, midx.IdxNames.Distinct().Count()));
            AssertEveryIdHasTheRightIdx(midx);
            var (midxPaths, idxPaths) = MidxMaintenance.SelectIndexes(repo.PackDir);
            Assert.Equal([bupMidx], midxPaths);
            Assert.Equal(Path.GetFileName(Assert.Single(idxPaths)), Directory.GetFiles(repo.PackDir, "*.idx").Select(Path.GetFileName).Except(midx.IdxNames).Single());
        }

        repo.SyncIdxTo(ours);
        MidxMaintenance.Auto(ours);
        Assert.Equal(File.ReadAllBytes(bupMidx), File.ReadAllBytes(Assert.Single(Directory.GetFiles(ours, "*.midx"))));
    }

    [Fact]
    public void ForceIsByteIdenticalToBupIncludingDuplicatesAndFileName()
    {
        using var repo = LookupBupRepo.CreateBup();
        var ids = repo.WriteBlobs(2500, "force");
        AddOverlappingPacks(repo, ids, packs: 8, seed: 1);
        var ours = repo.CopyIdxTo("ours");
        repo.Bup(["midx", "-f"]);
        MidxMaintenance.Force(ours);

        var bupMidx = Assert.Single(Directory.GetFiles(repo.PackDir, "*.midx"));
        var ourMidx = Assert.Single(Directory.GetFiles(ours, "*.midx"));
        Assert.Equal(File.ReadAllBytes(bupMidx), File.ReadAllBytes(ourMidx));
        using (var midx = MultiPackIndex.Open(ourMidx))
        {
            Assert.True(midx.Count > Enumerable.Range(0, midx.Count).Select(midx.GetId).Distinct().Count(), "the packs must overlap");
            Assert.True(midx.Bits > 0);
        }

        // bup names the file after the input paths as it globbed them, sorted by (object count, path).
        var inputs = Directory.GetFiles(repo.PackDir, "*.idx")
            .Select(p => (Count: PackIndex.Open(p).Using(i => i.Count), Path: p))
            .OrderBy(e => e.Count).ThenBy(e => e.Path, StringComparer.Ordinal).Select(e => e.Path).ToList();
        Assert.Equal(Path.GetFileName(bupMidx), MultiPackIndex.OutputName(inputs));
    }

    [Fact]
    public void AutoMatchesBupRoundAfterRound()
    {
        using var repo = LookupBupRepo.CreateBup();
        var ids = repo.WriteBlobs(3000, "auto");
        var ours = repo.CopyIdxTo("ours");
        var seed = 10;
        foreach (var packs in new[] { 8, 4, 3, 6 })
        {
            AddOverlappingPacks(repo, ids, packs, seed++);
            repo.SyncIdxTo(ours);
            repo.Bup(["midx", "--auto"]);
            MidxMaintenance.Auto(ours);
            Assert.Equal(MidxContents(repo.PackDir), MidxContents(ours));
        }
    }

    [Fact]
    public void BupChecksAndKeepsOurMidx()
    {
        using var repo = LookupBupRepo.CreateBup();
        AddOverlappingPacks(repo, repo.WriteBlobs(1500, "check"), packs: 6, seed: 3);
        MidxMaintenance.Force(repo.PackDir);
        var ourMidx = Assert.Single(Directory.GetFiles(repo.PackDir, "*.midx"));
        Assert.Contains("All tests passed", repo.BupWithStderr(["midx", "--check", "-a"]).Stderr, StringComparison.Ordinal);
        repo.Bup(["midx", "--auto"]);
        Assert.Equal([ourMidx], Directory.GetFiles(repo.PackDir, "*.midx"));
    }

    // A midx left naming a deleted idx is skipped with a warning, not an error: bup's open_midx.
    [Fact]
    public void CheckWarnsOfAMidxNamingADeletedIdxAndPassesAsBupDoes()
    {
        using var repo = LookupBupRepo.CreateBup();
        for (var i = 1; i <= 3; i++)
        {
            repo.Bup(["split", "-b"], stdin: System.Text.Encoding.UTF8.GetBytes($"file {i}\n"));
        }

        repo.Bup(["midx", "-f"]);
        var idx = Directory.GetFiles(repo.PackDir, "*.idx").Order(StringComparer.Ordinal).First();
        File.Delete(idx);
        File.Delete(Path.ChangeExtension(idx, ".pack"));

        var bup = Backup.RestoreCli.Bup(repo.GitDir, "midx", "--check", "-a");
        var bupfs = Backup.RestoreCli.Bupfs(repo.GitDir, "midx", "--check", "-a");

        Assert.Contains($"(missing idx {Path.GetFileName(idx)})", bup.Stderr, StringComparison.Ordinal);
        Assert.Equal((0, bup.Stderr), (bupfs.Exit, bupfs.Stderr));
        Assert.Equal(0, bup.Exit);
    }

    [Fact]
    public void BupsMidxIsReadCompletely()
    {
        using var repo = LookupBupRepo.CreateBup();
        AddOverlappingPacks(repo, repo.WriteBlobs(2500, "read"), packs: 7, seed: 4);
        repo.Bup(["midx", "-f"]);
        using var midx = MultiPackIndex.Open(Assert.Single(Directory.GetFiles(repo.PackDir, "*.midx")));
        AssertEveryIdHasTheRightIdx(midx);
        var total = 0;
        foreach (var idxPath in Directory.GetFiles(repo.PackDir, "*.idx"))
        {
            using var idx = PackIndex.Open(idxPath);
            total += idx.Count;
            Assert.All(Enumerable.Range(0, idx.Count), i => Assert.True(midx.Contains(idx.GetId(i))));
        }

        Assert.Equal(total, midx.Count);
    }

    [Fact]
    public void TableWidthMatchesBupsPythonArithmetic()
    {
        LookupTools.RequireTool("python3");
        var totals = new List<long> { 0, 1, 204, 205, 409, 410, 411, 2870 };
        for (var n = 0; n <= 30; n++)
        {
            var edge = (long)(Math.Pow(2, n) * 204.8);
            totals.AddRange([edge - 1, edge, edge + 1]);
        }

        const string Script = "import math,sys\nfor t in map(int, sys.argv[1:]):\n    p = int(t/(4096/20.)) or 1\n    print(int(math.ceil(math.log(p, 2))))\n";
        var python = LookupTools.Run("python3", ["-c", Script, .. totals.Select(t => t.ToString(CultureInfo.InvariantCulture))], Path.GetTempPath());
        Assert.Equal(python.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse), totals.Select(MultiPackIndex.ComputeBits));
    }

    /// <summary>Adds packs of random, overlapping subsets of <paramref name="ids"/> (sizes 50..600).</summary>
    internal static void AddOverlappingPacks(LookupBupRepo repo, List<string> ids, int packs, int seed)
    {
        var random = new Random(seed);
        for (var p = 0; p < packs; p++)
        {
            repo.PackObjects(ids.OrderBy(_ => random.Next()).Take(random.Next(50, 600)));
        }
    }

    private static void AssertEveryIdHasTheRightIdx(MultiPackIndex midx)
    {
        var directory = Path.GetDirectoryName(midx.Path)!;
        var idxs = midx.IdxNames.ToDictionary(n => n, n => PackIndex.Open(Path.Combine(directory, n)));
        try
        {
            for (var i = 0; i < midx.Count; i++)
            {
                Assert.True(idxs[midx.GetIdxName(i)].Contains(midx.GetId(i)));
                Assert.True(midx.TryFind(midx.GetId(i), out var name) && idxs[name].Contains(midx.GetId(i)));
            }
        }
        finally
        {
            foreach (var idx in idxs.Values)
            {
                idx.Dispose();
            }
        }
    }

    private static List<string> MidxContents(string directory) =>
        [.. Directory.GetFiles(directory, "*.midx").Select(p => Convert.ToHexStringLower(File.ReadAllBytes(p))).Order(StringComparer.Ordinal)];
}

/// <summary>Small helper for expressions that open, use and dispose.</summary>
internal static class LookupDisposableExtensions
{
    public static TResult Using<T, TResult>(this T disposable, Func<T, TResult> use)
        where T : IDisposable
    {
        using (disposable)
        {
            return use(disposable);
        }
    }
}
