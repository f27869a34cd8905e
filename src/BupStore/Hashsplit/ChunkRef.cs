using BupStore.Objects;

namespace BupStore.Hashsplit;

/// <summary>
/// A chunk of a file as <see cref="ChunkTreeWalker"/> finds it: entry <see cref="Index"/> of
/// <see cref="Tree"/>, which spans <see cref="Extent"/> bytes (-1: the file's rightmost path).
/// </summary>
public readonly record struct ChunkRef(ChunkTree Tree, int Index, long Extent)
{
    /// <summary>The chunk blob's id.</summary>
    public ObjectId Id => Tree.Ids[Index];

    /// <summary>Throws <see cref="Formats.CorruptObjectException"/> unless the chunk's content, <paramref name="length"/> bytes, fills its place exactly.</summary>
    public void CheckLength(long length) => Tree.CheckChunkLength(Index, Extent, length);
}
