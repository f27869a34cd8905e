using System.Collections.Concurrent;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// Adds objects to a repository through packs, never loose objects, and never writes an object the
/// repository already has (bup's objcache; docs/formats/pack-and-idx.md, "Which objects are written"). Packs close at the size limits and
/// become visible whole; after each, midx and bloom are brought up to date as bup does.
/// </summary>
/// <remarks>
/// <see cref="Prepare"/> and <see cref="Exists"/> are thread-safe, so hashing and compression can
/// run on every core; <see cref="Add"/>, <see cref="Write"/> and <see cref="Close"/> belong to one
/// thread.
/// </remarks>
public sealed class ObjectWriter : IDisposable
{
    private readonly ObjectStore _store;
    private readonly string _objectsDir;
    private readonly WriterOptions _options;
    private readonly long _maxPackSize;
    private readonly int _maxPackObjects;
    // Objects of the open pack only: once a pack is published the store finds them, so keeping
    // every id of the save cost ~75 MB of heap on /usr (930k objects); see FinishPack.
    private readonly ConcurrentDictionary<ObjectId, byte> _written = new();
    private readonly List<string> _packs = [];
    private PackWriter _pack;

    [ThreadStatic]
    private static MemoryStream? _scratch;

    internal ObjectWriter(ObjectStore store, string objectsDir, WriterOptions options, long configuredPackSize)
    {
        _store = store;
        _objectsDir = objectsDir;
        _options = options;
        _maxPackSize = options.MaxPackSize ?? configuredPackSize;
        _maxPackObjects = options.MaxPackObjects ?? (int)Math.Max(1, Math.Min(int.MaxValue, _maxPackSize / 5000));
        _pack = new PackWriter(objectsDir);
    }

    /// <summary>The repository's objects, for checks that read (see <see cref="ReuseGuard"/>).</summary>
    public ObjectStore Store => _store;

    /// <summary>Objects appended to packs so far.</summary>
    public long ObjectsWritten { get; private set; }

    /// <summary>Pack bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Packs published so far.</summary>
    public IReadOnlyList<string> Packs => _packs;

    /// <summary>True when the object was written by this writer or is in a pack of the repository.</summary>
    public bool Exists(ObjectId id) => _written.ContainsKey(id) || _store.ContainsInPacks(id);

    /// <summary>Hashes the object and, if the repository lacks it, compresses it. Thread-safe.</summary>
    public PreparedObject Prepare(ObjectType type, ReadOnlySpan<byte> data)
    {
        var id = ObjectHasher.Compute(type, data);
        if (Exists(id))
        {
            return new PreparedObject(id, type, data.Length, null);
        }

        var scratch = _scratch ??= new MemoryStream(1 << 16);
        scratch.SetLength(0);
        ZlibCodec.Compress(data, _options.CompressionLevel, scratch);
        return new PreparedObject(id, type, data.Length, scratch.ToArray());
    }

    /// <summary>Appends a prepared object unless it is already stored; returns its id.</summary>
    public ObjectId Add(PreparedObject prepared)
    {
        if (prepared.Compressed is null || InPublishedPack(prepared.Id) || !_written.TryAdd(prepared.Id, 0))
        {
            return prepared.Id;
        }

        _pack.Append(prepared.Id, prepared.Type, prepared.Size, prepared.Compressed);
        ObjectsWritten++;
        BytesWritten += prepared.Compressed.Length;
        if (_pack.Length >= _maxPackSize || _pack.Count >= _maxPackObjects)
        {
            FinishPack();
        }

        return prepared.Id;
    }

    /// <summary>
    /// True when a pack this writer published already has the object: it was prepared before that
    /// pack became visible, and <see cref="_written"/> no longer lists it.
    /// </summary>
    private bool InPublishedPack(ObjectId id) => _packs.Count > 0 && _store.ContainsInPacks(id);

    /// <summary>Writes one object (hash, dedup, compress, append) on the calling thread.</summary>
    public ObjectId Write(ObjectType type, ReadOnlySpan<byte> data) => Add(Prepare(type, data));

    private void FinishPack()
    {
        var sample = AnyWritten();
        var path = _pack.Finish();
        if (path is null)
        {
            return;
        }

        _packs.Add(path);
        if (_options.UpdateIndexes)
        {
            var packDir = Path.GetDirectoryName(path)!;
            MidxMaintenance.Auto(packDir);
            BloomMaintenance.Update(packDir);
        }

        _store.Refresh();
        ForgetPublished(sample);
    }

    /// <summary>One id of the open pack (enumerating stops at the first; Keys would copy them all).</summary>
    private ObjectId AnyWritten()
    {
        foreach (var entry in _written)
        {
            return entry.Key;
        }

        return default;
    }

    /// <summary>
    /// Empties <see cref="_written"/> once the store sees the published pack (checked with one of
    /// its objects), so the set holds one pack's ids at most, not the whole save's.
    /// </summary>
    private void ForgetPublished(ObjectId sample)
    {
        if (_store.ContainsInPacks(sample))
        {
            _written.Clear();
        }
    }

    /// <summary>
    /// Publishes the open pack (if any object was written) and updates midx/bloom. Every object
    /// written is durable once this returns; refs may then point at them.
    /// </summary>
    public void Close()
    {
        FinishPack();
        _store.ForgetRewritten();
    }

    /// <summary>Disposing without <see cref="Close"/> discards the unfinished pack.</summary>
    public void Dispose() => _pack.Dispose();
}
