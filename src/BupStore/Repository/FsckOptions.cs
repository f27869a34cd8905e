namespace BupStore.Repository;

/// <summary>What <see cref="RepositoryChecker"/> checks and how it reports progress.</summary>
public sealed class FsckOptions
{
    /// <summary>Only pack and idx checksums, counts and refs (bup fsck --quick); no object, tree or save checks.</summary>
    public bool Quick { get; init; }

    /// <summary>At most this many affected paths are listed per problem (the rest are counted).</summary>
    public int MaxPathsPerProblem { get; init; } = 10;

    /// <summary>Called (from any thread) with pack bytes just verified; their sum reaches <see cref="FsckReport.PackBytes"/>.</summary>
    public Action<long>? OnProgress { get; init; }

    /// <summary>Called after each pack with its name and object count.</summary>
    public Action<string, long>? OnPack { get; init; }
}
