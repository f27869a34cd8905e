// Decoded objects shared by every node and handle of a repository view, bounded in bytes
// (docs/DESIGN.md, "The virtual filesystem"; restic's bloblru, but with a configurable size).
using System.Collections.Concurrent;
using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;
using Microsoft.Extensions.Caching.Memory;

namespace BupFs.Caching;

/// <summary>
/// A byte-bounded cache of values decoded from repository objects: inflated blobs, parsed chunk
/// trees, commits and derived views (directory listings, save lists, hardlink groups). Values are
/// keyed by object id only, never by pack location, so a repack can never leave a stale entry.
/// </summary>
/// <remarks>
/// Thread-safe. A value estimated above half the bound is held outside it, among the two most
/// recently used such values (<see cref="LargeValueSlots"/>), so the memory held is at most the
/// bound plus those two. Concurrent misses on one key decode it once (the others wait for that result),
/// which keeps two requests that each need part of the chunk between them from inflating it twice. Values
/// must be treated as immutable by every caller. Sizes are estimates of retained bytes.
/// </remarks>
internal sealed class ObjectCache : IChunkSource, IDisposable
{
    private const long EntryOverhead = 96;
    private const int RecentSlots = 1024;

    // Values above half the bound would empty the cache of everything else, or be refused outright
    // (above the whole bound); two such values are held beside it: the large directory being
    // listed or walked, and its large parent or the one listed just before.
    private const int LargeSlots = 2;
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<CacheKey, Lazy<object>> _loading = new();
    private readonly ObjectId[] _recentDirect = new ObjectId[RecentSlots];
    private readonly LargeValueSlots _large = new(LargeSlots);

    /// <summary>Caches values read from <paramref name="store"/>, at most about <paramref name="sizeLimit"/> bytes.</summary>
    public ObjectCache(ObjectStore store, long sizeLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeLimit, 1);
        Store = store;
        SizeLimit = sizeLimit;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = sizeLimit, CompactionPercentage = 0.2, TrackStatistics = true });
    }

    /// <summary>The store values are read from.</summary>
    public ObjectStore Store { get; }

    /// <summary>The bound, in estimated bytes.</summary>
    public long SizeLimit { get; }

    /// <summary>Estimated bytes held now (entries are evicted in the background when over the bound).</summary>
    public long CurrentSize => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    /// <inheritdoc/>
    public byte[] GetBlob(ObjectId id) =>
        GetOrAdd(new CacheKey(CacheKind.Blob, id), static (store, key) => store.Read(key.Id, ObjectType.Blob, pinned: true), static blob => blob.Length);

    /// <inheritdoc/>
    /// <remarks>
    /// Straight from the store, neither looked up in the cache nor added to it: the chunks large reads
    /// cover whole are not asked for again (the kernel keeps the pages), so a lookup per chunk almost
    /// never hit, and caching them cost an array, a collection's work and a cache entry per chunk.
    /// The exception is a chunk that repeats (<see cref="IsRepeat"/>): it is decoded once into the cache.
    /// </remarks>
    public bool TryReadBlobInto(ObjectId id, Span<byte> destination)
    {
        if (!IsRepeat(id))
        {
            try
            {
                return Store.TryReadBlobInto(id, destination);
            }
            catch (Exception e) when (NeedsName(e, id))
            {
                throw Named(e, id);
            }
        }

        var blob = GetBlob(id);
        if (blob.Length != destination.Length)
        {
            return false;
        }

        blob.CopyTo(destination);
        return true;
    }

    // True when `id` went straight into a reply recently. Runs of zeros, and copies within a file,
    // are one chunk over and over (the mount benchmark's 400 MB file holds one 32 KiB zero chunk
    // 2,781 times): each use used to cost a lookup, a 33 KiB read and an inflate, and a jump back in
    // the pack that broke the thread's forward read run. Slots are overwritten without a lock: a
    // torn or lost id only sends a chunk down the other, equally correct, path.
    private bool IsRepeat(ObjectId id)
    {
        ref var slot = ref _recentDirect[(uint)id.GetHashCode() % RecentSlots];
        if (slot == id)
        {
            return true;
        }

        slot = id;
        return false;
    }

    /// <inheritdoc/>
    public ChunkTree GetChunkTree(ObjectId id) =>
        GetOrAdd(
            new CacheKey(CacheKind.ChunkTree, id),
            static (store, key) => ChunkTree.From(key.Id, store.ReadTree(key.Id)),
            static tree => tree.Ids.Length * 40L);

    /// <summary>The parsed commit <paramref name="id"/>.</summary>
    public Commit GetCommit(ObjectId id) =>
        GetOrAdd(
            new CacheKey(CacheKind.Commit, id),
            static (store, key) => store.ReadCommit(key.Id),
            static commit => commit.Message.Length + commit.Author.Name.Length + commit.Committer.Name.Length + 200L);

    /// <summary>
    /// The cached value for <paramref name="key"/>, or the result of <paramref name="load"/>, which
    /// is then kept with the estimated size <paramref name="size"/> gives. Exceptions from
    /// <paramref name="load"/> are not cached: the next call tries again.
    /// </summary>
    public T GetOrAdd<T>(CacheKey key, Func<ObjectStore, CacheKey, T> load, Func<T, long> size)
        where T : class
    {
        if (_cache.TryGetValue(key, out var hit) && hit is T cached)
        {
            return cached;
        }

        if (_large.Get(key) is T held)
        {
            return held;
        }

        var lazy = _loading.GetOrAdd(key, k => new Lazy<object>(() => Load(load, k), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            var value = (T)lazy.Value;
            Keep(key, value, size(value) + EntryOverhead);
            return value;
        }
        finally
        {
            _loading.TryRemove(new KeyValuePair<CacheKey, Lazy<object>>(key, lazy));
        }
    }

    private void Keep(CacheKey key, object value, long bytes)
    {
        if (bytes > SizeLimit / 2)
        {
            _large.Add(key, value);
            return;
        }

        using var entry = _cache.CreateEntry(key);
        entry.Value = value;
        entry.Size = bytes;
    }

    private object Load<T>(Func<ObjectStore, CacheKey, T> load, CacheKey key)
        where T : class
    {
        try
        {
            return load(Store, key);
        }
        catch (Exception e) when (NeedsName(e, key.Id))
        {
            throw Named(e, key.Id);
        }
    }

    // Pack and zlib errors name the pack file and offset; the object id is what a user can look up.
    private static bool NeedsName(Exception e, ObjectId id) =>
        e is CorruptObjectException or InvalidDataException && !e.Message.Contains(id.ToString(), StringComparison.Ordinal);

    private static RepositoryException Named(Exception e, ObjectId id) => new($"object {id}: {e.Message}", e);

    /// <summary>Drops every cached value (tests; memory pressure).</summary>
    public void Clear()
    {
        _cache.Clear();
        _large.Clear();
    }

    /// <inheritdoc/>
    public void Dispose() => _cache.Dispose();
}
