namespace BupFs.Linux;

/// <summary>
/// How long the kernel may trust what we tell it. Immutable nodes (everything inside a save)
/// never change, so their names, attributes, listings and pages are cached for a year; nodes
/// that follow refs get a short timeout so new saves appear without a remount.
/// </summary>
internal sealed class CachePolicy
{
    /// <summary>Seconds for immutable nodes; a double, so there is no overflow concern.</summary>
    public const double ImmutableSeconds = 365.0 * 24 * 3600;

    public CachePolicy(TimeSpan mutableTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mutableTimeout, TimeSpan.Zero);
        MutableSeconds = mutableTimeout.TotalSeconds;
    }

    /// <summary>Seconds for nodes that may change.</summary>
    public double MutableSeconds { get; }

    /// <summary>Entry and attribute timeout for a node.</summary>
    public double TimeoutFor(in NodeAttributes attributes) =>
        attributes.Immutable ? ImmutableSeconds : MutableSeconds;
}
