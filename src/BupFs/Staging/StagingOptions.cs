using BupStore.Saves;

namespace BupFs.Staging;

/// <summary>How a staging tree is opened.</summary>
public sealed class StagingOptions
{
    /// <summary>Bytes of decoded base objects kept in memory.</summary>
    public long CacheSizeLimit { get; init; } = 64L << 20;

    /// <summary>Receives problems worked around (a damaged base directory left as saved).</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>User and group names recorded for new nodes, as save records them; null records none.</summary>
    public IUserNames? UserNames { get; init; }
}
