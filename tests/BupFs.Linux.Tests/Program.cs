// The test executable's entry point. Normally it runs xunit exactly as the generated entry
// point would; with "--bupfs-mount-child" it is instead a foreground mount process, which the
// signal and stale-mount tests start, signal and kill.
namespace BupFs.Linux.Tests;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == MountChild.Flag)
        {
            return MountChild.Run(args).GetAwaiter().GetResult();
        }

        if (args.Any(arg => arg is "--server" or "--internal-msbuild-node"))
        {
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework
                .RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult();
        }

        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
