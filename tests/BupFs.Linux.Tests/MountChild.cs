using System.Diagnostics;
using System.Reflection;

namespace BupFs.Linux.Tests;

/// <summary>
/// A foreground mount in a child process: mounts the standard test tree, prints "mounted",
/// unmounts on SIGTERM/SIGINT/SIGHUP through <see cref="MountSignals"/>, prints "unmounted
/// disposed=N" and exits 0.
/// </summary>
internal static class MountChild
{
    public const string Flag = "--bupfs-mount-child";
    private const string NoAutoUnmount = "--no-auto-unmount";

    /// <summary>The child's main: args = [Flag, mountPoint, (NoAutoUnmount)].</summary>
    public static async Task<int> Run(string[] args)
    {
        var fs = TestFileSystem.CreateStandard();
        var options = TestMount.DefaultOptions with { AutoUnmount = !args.Contains(NoAutoUnmount) };
        IMountHandle mount = FuseHost.Mount(fs, args[1], options);
        using (MountSignals.UnmountOnSignals(mount))
        {
            Console.Out.WriteLine("mounted");
            Console.Out.Flush();
            await mount.Completion;
        }

        Console.Out.WriteLine($"unmounted disposed={fs.DisposeCount}");
        return 0;
    }

    /// <summary>Starts a child mounting <paramref name="mountPoint"/> and waits for "mounted".</summary>
    public static Process Start(string mountPoint, bool autoUnmount)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string assembly = Assembly.GetExecutingAssembly().Location;
        string appHost = Path.ChangeExtension(assembly, null);
        if (File.Exists(appHost))
        {
            start.FileName = appHost;
        }
        else
        {
            start.FileName = "dotnet";
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(assembly);
        }

        start.ArgumentList.Add(Flag);
        start.ArgumentList.Add(mountPoint);
        if (!autoUnmount)
        {
            start.ArgumentList.Add(NoAutoUnmount);
        }

        Process child = Process.Start(start)!;
        string? line = child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (line != "mounted")
        {
            child.Kill();
            throw new InvalidOperationException($"mount child said \"{line}\"; stderr: {child.StandardError.ReadToEnd()}");
        }

        return child;
    }
}
