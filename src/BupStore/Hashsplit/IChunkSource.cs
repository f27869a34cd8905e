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
}
