using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// One consistent view of objects/pack: every idx (memory-mapped), the usable midx files, the idx
/// they do not cover, and the bloom filter when it may be trusted (bup's PackIdxList; docs/formats/midx-bloom.md,
/// "The lookup chain"). Immutable once built, so readers on any thread share it without locks (the only
/// mutable state, a midx found damaged, is set once with interlocked writes).
/// </summary>
internal sealed class PackSet
{
    private readonly MultiPackIndex[] _midx;
    private readonly PackEntry[] _uncovered;
    private readonly BloomFilter? _bloom;
    private readonly PackEntry[][] _midxPacks;
    private readonly int[] _midxDamaged;
    private readonly Action<string>? _warn;
    private int _lastHit;

    public PackSet(Dictionary<string, PackEntry> byName, MultiPackIndex[] midx, PackEntry[] uncovered, BloomFilter? bloom, string signature, Action<string>? warn = null)
    {
        Signature = signature;
        ByName = byName;
        _midx = midx;
        _uncovered = uncovered;
        _bloom = bloom;
        _warn = warn;
        _midxPacks = [.. midx.Select(m => m.IdxNames.Where(byName.ContainsKey).Distinct().Select(n => byName[n]).ToArray())];
        _midxDamaged = new int[midx.Length];
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
    /// trusted bloom exists, else one search per midx plus one per uncovered idx. Readers, whose
    /// ids are nearly always present, pass <paramref name="expectPresent"/> to skip the probe.
    /// </summary>
    public bool TryLocate(ObjectId id, out PackEntry pack, out long offset, bool expectPresent = false)
    {
        pack = null!;
        offset = 0;
        if (!expectPresent && _bloom is not null && !_bloom.MayContain(id))
        {
            return false;
        }

        for (var i = 0; i < _midx.Length; i++)
        {
            if (TryLocateViaMidx(i, id, out pack, out offset))
            {
                return true;
            }
        }

        return TryLocateUncovered(id, out pack, out offset);
    }

    /// <summary>
    /// Looks <paramref name="id"/> up through midx <paramref name="i"/>, or, once that midx has proved
    /// damaged (it threw, or named an idx that lacks the id), directly in the idx files it covers:
    /// a midx only accelerates, so its damage must not make objects unreachable.
    /// </summary>
    private bool TryLocateViaMidx(int i, ObjectId id, out PackEntry pack, out long offset)
    {
        if (Volatile.Read(ref _midxDamaged[i]) == 0)
        {
            try
            {
                if (!_midx[i].TryFind(id, out var idxName))
                {
                    (pack, offset) = (null!, 0);
                    return false;
                }

                if (ByName.TryGetValue(idxName, out pack!))
                {
                    if (pack.Index.TryFind(id, out offset))
                    {
                        return true;
                    }

                    MarkDamaged(i, $"it names {idxName} for {id}, which that idx does not hold");
                }

                // A named idx without its pack is not damage, but the id may sit in another covered pack.
            }
            catch (CorruptObjectException e)
            {
                MarkDamaged(i, e.Message);
            }
        }

        return TryLocateIn(_midxPacks[i], id, out pack, out offset);
    }

    /// <summary>
    /// Finds a copy of <paramref name="id"/> in a pack that <paramref name="avoid"/> rejects not, searching
    /// every idx (midx files name one pack per id). For the rare reads and writes that met a
    /// quarantined or damaged pack, so its cost does not matter.
    /// </summary>
    public bool TryLocateAvoiding(ObjectId id, Func<PackEntry, bool> avoid, out PackEntry pack, out long offset)
    {
        foreach (var p in ByName.Values)
        {
            if (!avoid(p) && p.Index.TryFind(id, out offset))
            {
                pack = p;
                return true;
            }
        }

        (pack, offset) = (null!, 0);
        return false;
    }

    private void MarkDamaged(int i, string reason)
    {
        if (Interlocked.Exchange(ref _midxDamaged[i], 1) == 0)
        {
            _warn?.Invoke($"{_midx[i].Path}: {reason}; searching the idx files it covers instead");
        }
    }

    private static bool TryLocateIn(PackEntry[] packs, ObjectId id, out PackEntry pack, out long offset)
    {
        foreach (var p in packs)
        {
            if (p.Index.TryFind(id, out offset))
            {
                pack = p;
                return true;
            }
        }

        (pack, offset) = (null!, 0);
        return false;
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
