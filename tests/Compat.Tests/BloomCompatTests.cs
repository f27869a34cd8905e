using System.Globalization;
using BupStore.Formats;
using BupStore.Repository;

namespace Compat.Tests;

/// <summary>
/// bup.bloom against real bup 0.33: same header and table as <c>bup bloom</c>/<c>bup bloom -f</c> for
/// the same idx files, same add-vs-rebuild decisions, and bup accepts our filter (docs/formats/midx-bloom.md, "bloom v2" and "The six-pack vector").
/// </summary>
public sealed class BloomCompatTests
{
    [Fact]
    public void SixPackVectorAndBupsIncrementalDecisions()
    {
        using var repo = LookupBupRepo.CreateBup();
        var ours = repo.CopyIdxTo("ours");
        for (var i = 1; i <= 6; i++)
        {
            repo.Bup(["split", "-b"], stdin: System.Text.Encoding.UTF8.GetBytes($"file {i}\n"));
            repo.SyncIdxTo(ours);
            BloomMaintenance.Update(ours); // bup runs `bup bloom` after every pack, so do we
            AssertSameFilter(repo.PackDir, ours);
        }

        var bupBloom = Path.Combine(repo.PackDir, BloomMaintenance.FileName);
        Assert.Equal("424c4f4d" + "00000002" + "0004" + "0005" + "00000006", Convert.ToHexStringLower(File.ReadAllBytes(bupBloom)[..16]));
        using var bloom = BloomFilter.Open(bupBloom);
        Assert.Equal(6, bloom.IdxNames.Count);
        AssertContainsEveryIdxId(bloom, repo.PackDir);
    }

    [Fact]
    public void ForceIsIdenticalToBupForBothK()
    {
        using var repo = LookupBupRepo.CreateBup();
        MidxCompatTests.AddOverlappingPacks(repo, repo.WriteBlobs(2500, "bf"), packs: 8, seed: 5);
        var ours = repo.CopyIdxTo("ours");
        foreach (var k in new int?[] { null, 4 })
        {
            repo.Bup(k is null ? ["bloom", "-f"] : ["bloom", "-f", "-k", "4"]);
            BloomMaintenance.Update(ours, force: true, k: k);
            AssertSameFilter(repo.PackDir, ours);
        }
    }

    [Fact]
    public void IncrementalUpdatesMatchBupRoundAfterRound()
    {
        using var repo = LookupBupRepo.CreateBup();
        var ids = repo.WriteBlobs(4000, "inc");
        var ours = repo.CopyIdxTo("ours");
        var seed = 20;
        foreach (var packs in new[] { 4, 1, 1, 3, 1, 6 })
        {
            MidxCompatTests.AddOverlappingPacks(repo, ids, packs, seed++);
            repo.SyncIdxTo(ours);
            repo.Bup(["bloom"]);
            BloomMaintenance.Update(ours);
            AssertSameFilter(repo.PackDir, ours);
        }
    }

    [Fact]
    public void BupChecksAndKeepsOurFilter()
    {
        using var repo = LookupBupRepo.CreateBup();
        MidxCompatTests.AddOverlappingPacks(repo, repo.WriteBlobs(1500, "bc"), packs: 5, seed: 6);
        BloomMaintenance.Update(repo.PackDir);
        var bloomPath = Path.Combine(repo.PackDir, BloomMaintenance.FileName);
        foreach (var idx in Directory.GetFiles(repo.PackDir, "*.idx"))
        {
            Assert.Contains("All tests passed", repo.BupWithStderr(["bloom", "-c", idx]).Stderr, StringComparison.Ordinal);
        }

        var before = File.ReadAllBytes(bloomPath);
        repo.Bup(["bloom"]);
        Assert.Equal(before, File.ReadAllBytes(bloomPath)); // bup finds it complete: nothing to do
    }

    [Fact]
    public void SizingMatchesBupsPythonArithmetic()
    {
        LookupTools.RequireTool("python3");
        var expected = new List<long> { 1, 2, 3, 6, 100, 1000 };
        for (var n = 2; n <= 40; n++)
        {
            expected.AddRange([(1L << n) / 4 - 1, (1L << n) / 4, (1L << n) / 4 + 1]);
        }

        const string Script = "import math,sys\nfor e in map(int, sys.argv[1:]):\n    b = int(math.floor(math.log(e * 32 // 8, 2)))\n    k = 5 if b <= 29 else 4\n    b = min(b, {4: 37, 5: 29}[k])\n    print(b, k, repr(100*(1-math.exp(-k*float(e)/(8*2**b)))**k))\n";
        var args = expected.Where(e => e > 0).Select(e => e.ToString(CultureInfo.InvariantCulture)).ToList();
        var lines = LookupTools.Run("python3", ["-c", Script, .. args], Path.GetTempPath()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < args.Count; i++)
        {
            var parts = lines[i].Split(' ');
            var (bits, k) = BloomFilter.ComputeSize(long.Parse(args[i], CultureInfo.InvariantCulture));
            Assert.Equal((int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)), (bits, k));
            Assert.Equal(double.Parse(parts[2], CultureInfo.InvariantCulture), BloomFilter.FalsePositivePercent(bits, k, long.Parse(args[i], CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Header and table byte-identical; the name lists hold the same idx (their order follows directory order).</summary>
    private static void AssertSameFilter(string bupDir, string ourDir)
    {
        var theirs = File.ReadAllBytes(Path.Combine(bupDir, BloomMaintenance.FileName));
        var mine = File.ReadAllBytes(Path.Combine(ourDir, BloomMaintenance.FileName));
        using var bloom = BloomFilter.Open(Path.Combine(ourDir, BloomMaintenance.FileName));
        var tableEnd = 16 + (1 << bloom.Bits);
        Assert.Equal(Convert.ToHexStringLower(theirs[..tableEnd]), Convert.ToHexStringLower(mine[..tableEnd]));
        using var bupBloom = BloomFilter.Open(Path.Combine(bupDir, BloomMaintenance.FileName));
        Assert.Equal(bupBloom.IdxNames.Order(StringComparer.Ordinal), bloom.IdxNames.Order(StringComparer.Ordinal));
    }

    private static void AssertContainsEveryIdxId(BloomFilter bloom, string packDir)
    {
        foreach (var idxPath in Directory.GetFiles(packDir, "*.idx"))
        {
            using var idx = PackIndex.Open(idxPath);
            Assert.All(Enumerable.Range(0, idx.Count), i => Assert.True(bloom.MayContain(idx.GetId(i))));
        }
    }
}
