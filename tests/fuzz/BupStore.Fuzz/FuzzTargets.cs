using BupStore.Formats;

namespace BupStore.Fuzz;

/// <summary>The fuzz targets by name, one per parser of repository bytes.</summary>
public static class FuzzTargets
{
    private static readonly Dictionary<string, FuzzTarget> Targets = new(StringComparer.Ordinal)
    {
        ["idx"] = IndexTargets.Idx,
        ["midx"] = IndexTargets.Midx,
        ["bloom"] = IndexTargets.Bloom,
        ["tree"] = ObjectTargets.Tree,
        ["commit"] = ObjectTargets.Commit,
        ["bupm"] = ObjectTargets.Bupm,
        ["metadata"] = ObjectTargets.Metadata,
        ["pack"] = PackTargets.Pack,
        ["delta"] = PackTargets.Delta,
    };

    /// <summary>Every target name (also the corpus folder names).</summary>
    public static IReadOnlyCollection<string> Names => Targets.Keys;

    /// <summary>The target called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such target.</exception>
    public static FuzzTarget Get(string name) =>
        Targets.TryGetValue(name, out var target) ? target : throw new ArgumentException($"unknown fuzz target '{name}'; targets: {string.Join(", ", Names)}");

    /// <summary>Runs a target, treating <see cref="CorruptObjectException"/> (the documented failure) as success.</summary>
    public static void RunExpectingOnlyCorruption(FuzzTarget target, ReadOnlySpan<byte> input)
    {
        try
        {
            target(input);
        }
        catch (CorruptObjectException)
        {
        }
    }
}
