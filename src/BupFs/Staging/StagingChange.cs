namespace BupFs.Staging;

/// <summary>
/// One line of `bupfs status`: <see cref="Code"/> is A (added), M (content modified), m (metadata
/// only), D (deleted) or R (renamed, from <see cref="From"/>).
/// </summary>
public sealed record StagingChange(char Code, string Path, string? From = null)
{
    /// <summary>As `git status --short` prints it.</summary>
    public override string ToString() => From is null ? $"{Code} {Path}" : $"{Code} {From} -> {Path}";
}
