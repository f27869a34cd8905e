using System.Security.Cryptography;

namespace Mount.Tests.Support;

/// <summary>
/// Every file of a repository by relative path with the SHA-256 of its content: taken before and
/// after a read-only command, two snapshots must be equal. <c>bupfs-quarantine</c> is left out,
/// since bupfs may record damage it found there.
/// </summary>
internal static class RepositoryFiles
{
    private const string Quarantine = "bupfs-quarantine";

    /// <summary>The snapshot of <paramref name="gitDir"/>, sorted by path.</summary>
    public static SortedDictionary<string, string> Snapshot(string gitDir)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(gitDir, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(gitDir, path);
            if (Path.GetFileName(relative) != Quarantine)
            {
                files[relative] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            }
        }

        return files;
    }
}
