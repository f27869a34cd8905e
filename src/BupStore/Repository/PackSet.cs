using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// One consistent view of objects/pack: every idx (memory-mapped), the usable midx files, the idx
/// they do not cover, and the bloom filter when it may be trusted (bup's PackIdxList; bup-format.md
/// §5.6). Immutable once built, so readers on any thread share it without locks.
/// </summary>
internal sealed class PackSet
{
    private readonly MultiPackIndex[] _midx;
    private readonly PackEntry[] _uncovered;
    private readonly BloomFilter? _bloom;
    private int _lastHit;

    public PackSet(Dictionary<string, PackEntry> byName, MultiPackIndex[] midx, PackEntry[] uncovered, BloomFilter? bloom, string signature)
    {
        Signature = signature;
        ByName = byName;
        _midx = midx;
        _uncovered = uncovered;
        _bloom = bloom;
    }

    /// <summary>What objects/pack looked like when this view was built (see PackSetLoader.Signature).</summary>
    public string Signature { get; }

    /// <summary>Every pack by idx file name.</summary>
    public Dictionary<string, PackEntry> ByName { get; }

    /// <summary>The midx files in use.</summary>
    public IReadOnlyList<MultiPackIndex> Midx => _midx;

    /// <summary>The bloom filter in use, if any.</summary>
    public BloomFilter? Bloom => _bloom;

    /// <summary>
    /// Finds the pack holding <paramref name="id"/>. An absent id costs one bloom probe when a
    /// trusted bloom exists, else one search per midx plus one per uncovered idx.
    /// </summary>
    public bool TryLocate(ObjectId id, out PackEntry pack, out long offset)
    {
        pack = null!;
        offset = 0;
        if (_bloom is not null && !_bloom.MayContain(id))
        {
            return false;
        }

        foreach (var m in _midx)
        {
            if (m.TryFind(id, out var idxName) && ByName.TryGetValue(idxName, out var p) && p.Index.TryFind(id, out offset))
            {
                pack = p;
                return true;
            }
        }

        return TryLocateUncovered(id, out pack, out offset);
    }

    private bool TryLocateUncovered(ObjectId id, out PackEntry pack, out long offset)
    {
        var n = _uncovered.Length;
        var start = Volatile.Read(ref _lastHit);
        for (var k = 0; k < n; k++)
        {
            var i = (start + k) % n;
            if (_uncovered[i].Index.TryFind(id, out offset))
            {
                // Reads cluster by pack (one save's chunks sit together), so try the last hit first.
                Volatile.Write(ref _lastHit, i);
                pack = _uncovered[i];
                return true;
            }
        }

        pack = null!;
        offset = 0;
        return false;
    }
}
