using BupStore.Objects;

namespace BupStore.Hashsplit;

/// <summary>
/// Where a <see cref="ChunkedFileReader"/> gets chunk trees and blobs; the mount plugs in a cached
/// source, commands read the store directly.
/// </summary>
public interface IChunkSource
{
    /// <summary>The parsed chunk tree <paramref name="id"/>.</summary>
    ChunkTree GetChunkTree(ObjectId id);

    /// <summary>The content of blob <paramref name="id"/>.</summary>
    byte[] GetBlob(ObjectId id);

    /// <summary>
    /// Puts the content of blob <paramref name="id"/> into <paramref name="destination"/> when it is
    /// exactly that long and can be had without an intermediate array; false sends the caller to
    /// <see cref="GetBlob"/>, which reports whatever is wrong with the blob.
    /// </summary>
    bool TryReadBlobInto(ObjectId id, Span<byte> destination);
}
