using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Hashsplit;

/// <summary>An uncached <see cref="IChunkSource"/> straight over an <see cref="ObjectStore"/>.</summary>
public sealed class StoreChunkSource : IChunkSource
{
    private readonly ObjectStore _store;

    /// <summary>Reads from <paramref name="store"/>.</summary>
    public StoreChunkSource(ObjectStore store)
    {
        _store = store;
    }

    /// <inheritdoc/>
    public ChunkTree GetChunkTree(ObjectId id) => ChunkTree.From(id, _store.ReadTree(id));

    /// <inheritdoc/>
    public byte[] GetBlob(ObjectId id) => _store.Read(id, ObjectType.Blob);

    /// <inheritdoc/>
    public bool TryReadBlobInto(ObjectId id, Span<byte> destination) => _store.TryReadBlobInto(id, destination);
}
