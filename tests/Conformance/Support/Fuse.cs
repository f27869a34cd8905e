namespace Conformance.Support;

/// <summary>Skips a mount test where this machine cannot mount at all.</summary>
internal static class Fuse
{
    /// <summary>Skips the calling test, with the reason, when /dev/fuse is absent.</summary>
    public static void RequireDevice()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("FUSE mounts need Linux");
        }

        if (!File.Exists("/dev/fuse"))
        {
            Assert.Skip("/dev/fuse is absent: load the fuse module, or run the container with --device /dev/fuse --cap-add SYS_ADMIN");
        }
    }
}
