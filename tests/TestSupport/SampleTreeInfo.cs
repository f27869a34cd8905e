namespace TestSupport;

/// <summary>What a created sample tree holds, for tests that need particular entries.</summary>
/// <param name="Root">The tree's folder.</param>
/// <param name="RegularFiles">Every regular file, relative to <paramref name="Root"/>, as Mono.Unix path strings
/// (non-UTF-8 bytes survive the round trip through <see cref="Mono.Unix.UnixEncoding"/>).</param>
/// <param name="SparseFile">The sparse file's relative path, or null.</param>
/// <param name="Owners">Whether foreign owners were applied.</param>
public sealed record SampleTreeInfo(string Root, IReadOnlyList<string> RegularFiles, string? SparseFile, bool Owners);
