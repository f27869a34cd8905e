using System.Buffers.Binary;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using Repo = BupStore.Repository.Repository;

namespace BupStore.Tests;

/// <summary>
/// The lookup chain's midx handling: midx files are chosen by <see cref="MidxMaintenance.SelectIndexes"/>,
/// and a midx that proves damaged during a lookup is bypassed (with one warning) in favour of the
/// idx files it covers, so no object becomes unreachable.
/// </summary>
public sealed class PackSetMidxFallbackTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bupstore-midx-fallback-").FullName;
    private readonly List<ObjectId> _ids = [];
    private readonly Repo _repo;

    public PackSetMidxFallbackTests()
    {
        _repo = Repo.Init(Path.Combine(_root, "repo"));
        for (var pack = 0; pack < 3; pack++)
        {
            using var writer = _repo.CreateWriter(new WriterOptions { UpdateIndexes = false });
            for (var i = 0; i < 40; i++)
            {
                _ids.Add(writer.Write(ObjectType.Blob, System.Text.Encoding.ASCII.GetBytes($"blob {pack}/{i}")));
            }

            writer.Close();
        }
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string PackDir => _repo.PackDir;

    private string[] IdxFiles => [.. Directory.GetFiles(PackDir, "*.idx").Order(StringComparer.Ordinal)];

    [Fact]
    public void AnOutOfRangeIdxNumberFallsBackToTheIdxFilesWithOneWarning()
    {
        var midx = MultiPackIndex.Write(PackDir, IdxFiles);
        OverwriteWhich(midx, 0xFFFF_FFFF);
        AssertEveryObjectFoundWithOneWarning(midx);
    }

    [Fact]
    public void AnIdxNumberNamingTheWrongIdxFallsBackToo()
    {
        var midx = MultiPackIndex.Write(PackDir, IdxFiles);
        using (var m = MultiPackIndex.Open(midx))
        {
            // Point every id at the idx after the one really holding it.
            var which = Enumerable.Range(0, m.Count).Select(i => (uint)((m.GetWhich(i) + 1) % m.IdxNames.Count)).ToArray();
            m.Dispose();
            OverwriteWhich(midx, which);
        }

        AssertEveryObjectFoundWithOneWarning(midx);
    }

    [Fact]
    public void AnIntactMidxIsUsedSilently()
    {
        var midx = MultiPackIndex.Write(PackDir, IdxFiles);
        var warnings = new List<string>();
        var set = PackSetLoader.Load(PackDir, [], warnings.Add);
        try
        {
            Assert.Equal([midx], set.Midx.Select(m => m.Path));
            Assert.All(_ids, id => Assert.True(set.TryLocate(id, out _, out _)));
            Assert.Empty(warnings);
        }
        finally
        {
            Release(set);
        }
    }

    [Fact]
    public void MidxChoiceFollowsSelectIndexes()
    {
        var idx = IdxFiles;
        var small = MultiPackIndex.Write(PackDir, idx[..2]);
        var big = MultiPackIndex.Write(PackDir, idx);
        var foreign = Path.Combine(PackDir, "midx-foreign.midx");
        File.WriteAllBytes(foreign, LookupTestData.BuildMidx(0, [(_ids[0], 0)], ["pack-gone.idx"]));
        var set = PackSetLoader.Load(PackDir, []);
        try
        {
            Assert.Equal(MidxMaintenance.SelectIndexes(PackDir).MidxPaths, set.Midx.Select(m => m.Path));
            Assert.Equal([big], set.Midx.Select(m => m.Path));
            Assert.True(File.Exists(small));
            Assert.All(_ids, id => Assert.True(set.TryLocate(id, out _, out _)));
        }
        finally
        {
            Release(set);
        }
    }

    [Fact]
    public void IdxFilesOfAMidxNamingAMissingIdxAreSearchedDirectly()
    {
        var idx = IdxFiles;
        var path = MultiPackIndex.Write(PackDir, idx[..2]);
        byte[] bytes;
        using (var m = MultiPackIndex.Open(path))
        {
            var entries = Enumerable.Range(0, m.Count).Select(i => (m.GetId(i), (uint)m.GetWhich(i))).ToList();
            bytes = LookupTestData.BuildMidx(m.Bits, entries, [.. m.IdxNames, "pack-gone.idx"]);
        }

        File.Delete(path);
        File.WriteAllBytes(path, bytes);
        var set = PackSetLoader.Load(PackDir, []);
        try
        {
            Assert.Empty(set.Midx);
            Assert.All(_ids, id => Assert.True(set.TryLocate(id, out _, out _)));
        }
        finally
        {
            Release(set);
        }
    }

    private void AssertEveryObjectFoundWithOneWarning(string midx)
    {
        var warnings = new List<string>();
        var set = PackSetLoader.Load(PackDir, [], w => { lock (warnings) { warnings.Add(w); } });
        try
        {
            Assert.Single(set.Midx);
            Parallel.ForEach(_ids, id =>
            {
                Assert.True(set.TryLocate(id, out var pack, out var offset));
                Assert.Equal(id, ObjectHasher.Compute(ObjectType.Blob, _repo.Objects.ReadEntry(pack.Pack, offset, id).Data));
            });
            Assert.False(set.TryLocate(ObjectId.Parse("0123456789abcdef0123456789abcdef01234567"), out _, out _));
            var warning = Assert.Single(warnings);
            Assert.StartsWith(midx, warning);
        }
        finally
        {
            Release(set);
        }
    }

    /// <summary>Rewrites the midx's "which" table: every entry to one value, or entry by entry.</summary>
    private static void OverwriteWhich(string midx, params uint[] values)
    {
        var bytes = File.ReadAllBytes(midx);
        var bits = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8));
        var tableEnd = 12 + (4 << bits);
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(tableEnd - 4));
        var whichOffset = tableEnd + (count * ObjectId.Size);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(whichOffset + (4 * i)), values[values.Length == 1 ? 0 : i]);
        }

        File.WriteAllBytes(midx, bytes);
    }

    private static void Release(PackSet set)
    {
        foreach (var entry in set.ByName.Values)
        {
            entry.Dispose();
        }

        foreach (var m in set.Midx)
        {
            m.Dispose();
        }
    }
}
