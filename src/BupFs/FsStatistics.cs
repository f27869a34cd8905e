namespace BupFs;

/// <summary>What statfs reports.</summary>
public readonly record struct FsStatistics
{
    /// <summary>Preferred block size in bytes.</summary>
    public uint BlockSize { get; init; }

    /// <summary>Total size in blocks.</summary>
    public ulong TotalBlocks { get; init; }

    /// <summary>Free blocks.</summary>
    public ulong FreeBlocks { get; init; }

    /// <summary>Total number of nodes (0 when unknown).</summary>
    public ulong TotalNodes { get; init; }

    /// <summary>Free nodes.</summary>
    public ulong FreeNodes { get; init; }

    /// <summary>Longest name in bytes.</summary>
    public uint MaxNameLength { get; init; }
}
