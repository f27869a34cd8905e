namespace BupStore.Repository;

/// <summary>How an <see cref="ObjectWriter"/> writes packs (docs/formats/pack-and-idx.md, "The pack" and "Size limits").</summary>
public sealed record WriterOptions
{
    /// <summary>zlib level 0..9; bup's default is 1.</summary>
    public int CompressionLevel { get; init; } = 1;

    /// <summary>Close a pack once it reaches this many bytes; null takes pack.packSizeLimit, else 1 GB.</summary>
    public long? MaxPackSize { get; init; }

    /// <summary>Close a pack at this many objects; null means max(1, MaxPackSize / 5000).</summary>
    public int? MaxPackObjects { get; init; }

    /// <summary>Keep midx and bloom files current after each pack, as bup does.</summary>
    public bool UpdateIndexes { get; init; } = true;
}
