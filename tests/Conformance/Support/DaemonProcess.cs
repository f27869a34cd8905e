using System.Diagnostics;
using System.Text;

namespace Conformance.Support;

/// <summary>
/// Finds and stops the processes behind a mount by reading /proc: the bupfs daemon and the
/// fusermount3 auto_unmount watchdog both carry the (per-test, unique) mount point as their last
/// argument, so matching on it never touches a process another test or user started.
/// </summary>
internal static class DaemonProcess
{
    /// <summary>The pid of the bupfs daemon serving <paramref name="mountPoint"/>, or null.</summary>
    public static int? FindDaemon(string mountPoint) =>
        Find(arguments => arguments.Contains("mount") && arguments.Contains("-f") && Serves(arguments, mountPoint));

    /// <summary>True when <paramref name="pid"/> still runs with <paramref name="mountPoint"/> as its last argument.</summary>
    public static bool IsServing(int pid, string mountPoint) =>
        Arguments(pid) is { } arguments && Serves(arguments, mountPoint);

    /// <summary>Waits until <paramref name="pid"/> no longer serves <paramref name="mountPoint"/>; false on timeout.</summary>
    public static bool WaitForExit(int pid, string mountPoint, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (IsServing(pid, mountPoint))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }

    /// <summary>SIGKILLs <paramref name="pid"/> if it still serves <paramref name="mountPoint"/> (never a reused pid).</summary>
    public static void Kill(int pid, string mountPoint)
    {
        if (!IsServing(pid, mountPoint))
        {
            return;
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(5000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // it ended on its own meanwhile
        }
    }

    private static bool Serves(string[] arguments, string mountPoint) =>
        arguments.Length > 0 && arguments[^1] == mountPoint;

    private static int? Find(Func<string[], bool> match)
    {
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(System.IO.Path.GetFileName(directory), out int pid) && pid != Environment.ProcessId
                && Arguments(pid) is { } arguments && match(arguments))
            {
                return pid;
            }
        }

        return null;
    }

    private static string[]? Arguments(int pid)
    {
        try
        {
            byte[] raw = File.ReadAllBytes($"/proc/{pid}/cmdline");
            return Encoding.UTF8.GetString(raw).TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone
        }
    }

}
