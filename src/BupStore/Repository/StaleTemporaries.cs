using System.Globalization;
using System.Text.RegularExpressions;

namespace BupStore.Repository;

/// <summary>
/// Removes what a killed bupfs command left in a repository: pack folders being written
/// (<c>objects/pack-tmp-PID-*</c>) and files being replaced atomically (<c>.NAME.tmp-PID-*</c>,
/// e.g. the bupfs-index). Every such name carries its writer's process id, and only entries whose
/// process is gone are removed, so a save running at the same time never loses its temp files.
/// </summary>
public static partial class StaleTemporaries
{
    /// <summary>
    /// Removes the stale temporaries under <paramref name="gitDir"/> (the repository folder, its
    /// objects folder and objects/pack) and returns how many were removed. Does nothing where
    /// processes cannot be looked up (no /proc).
    /// </summary>
    public static int Remove(string gitDir)
    {
        if (!Directory.Exists("/proc/self"))
        {
            return 0;
        }

        var removed = 0;
        foreach (var dir in new[] { gitDir, Path.Combine(gitDir, "objects"), Path.Combine(gitDir, "objects", "pack") })
        {
            removed += RemoveIn(dir);
        }

        return removed;
    }

    private static int RemoveIn(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return 0;
        }

        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            if (OwnerOf(Path.GetFileName(entry)) is { } pid && !IsRunning(pid) && TryDelete(entry))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>The writer's process id in a temporary's name (PackWriter's and Durable's naming), else null.</summary>
    internal static int? OwnerOf(string name)
    {
        var match = TempName().Match(name);
        return match.Success && int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static bool IsRunning(int pid) => pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}");

    private static bool TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // someone else's, or already gone: harmless either way
        }
    }

    [GeneratedRegex(@"^(pack-tmp-|\..+\.tmp-)(?<pid>[0-9]{1,10})-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex TempName();
}
