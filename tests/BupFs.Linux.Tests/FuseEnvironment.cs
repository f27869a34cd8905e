namespace BupFs.Linux.Tests;

/// <summary>Decides once whether real mounts can run here, and skips tests with the reason if not.</summary>
internal static class FuseEnvironment
{
    private static readonly Lazy<string?> Problem = new(FindProblem);

    /// <summary>Skips the calling test when mounting is impossible on this machine.</summary>
    public static void RequireMounts()
    {
        if (Problem.Value is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    private static string? FindProblem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "FUSE mount tests need Linux";
        }

        if (!File.Exists("/dev/fuse"))
        {
            return "/dev/fuse is missing (no fuse module, or a container without --device /dev/fuse)";
        }

        if (!FusermountOnPath())
        {
            return "fusermount3 is not installed (apt-get install fuse3)";
        }

        return FuseHost.CheckAvailability();
    }

    private static bool FusermountOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Join(directory, "fusermount3")));
}
