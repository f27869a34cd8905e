using System.Security.Cryptography;

namespace TestSupport;

/// <summary>
/// Every file under a repository folder with the SHA-256 of its content, to show that a command
/// changed nothing. <c>bupfs-quarantine</c> is left out: a reader may record damage it found there.
/// </summary>
public static class RepositorySnapshot
{
    /// <summary>"relative path SHA-256" for each file, sorted.</summary>
    public static IReadOnlyList<string> Take(string repository) =>
        [.. Directory.EnumerateFiles(repository, "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "bupfs-quarantine")
            .Select(path => $"{Path.GetRelativePath(repository, path)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}")
            .Order(StringComparer.Ordinal)];
}
