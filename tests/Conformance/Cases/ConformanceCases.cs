namespace Conformance.Cases;

/// <summary>
/// The registry of named cases, in the manner of rclone's vfstest (one body per behaviour, run over
/// every filesystem) and go-fuse's posixtest (one function per POSIX rule). The bodies live in the
/// other ConformanceCases.*.cs files, grouped by area.
/// </summary>
public static partial class ConformanceCases
{
    /// <summary>Every case, in the order results list them.</summary>
    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        .. FileCases, .. NamespaceCases, .. MetadataCases, .. MoreCases, .. LimitCases, .. BaseCases, .. ReadOnlyCases,
    ];

    /// <summary>The case names, for theories.</summary>
    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static ConformanceCase Named(string name) => All.Single(c => c.Name == name);
}
