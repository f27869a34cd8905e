using System.Runtime.CompilerServices;

[assembly: AssemblyFixture(typeof(BupFs.Linux.Tests.TestRoot))]

namespace BupFs.Linux.Tests;

/// <summary>
/// The per-run folder all mount points live under (/tmp/bupfs-linux-tests-PID). At the end of
/// the run anything still mounted below it is detached and the folder removed, so a failing
/// test never leaves a mount behind.
/// </summary>
public sealed class TestRoot : IDisposable
{
    private static int s_counter;

    public static string Path { get; } = System.IO.Path.Join(System.IO.Path.GetTempPath(), $"bupfs-linux-tests-{Environment.ProcessId}");

    /// <summary>A fresh empty directory for one test.</summary>
    public static string NewDirectory([CallerMemberName] string name = "")
    {
        string directory = System.IO.Path.Join(Path, $"{name}-{Interlocked.Increment(ref s_counter)}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    public void Dispose()
    {
        if (!Directory.Exists(Path))
        {
            return;
        }

        foreach (string directory in Directory.GetDirectories(Path))
        {
            TestMount.ForceUnmount(directory);
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // a mount we could not remove; the next run uses another folder
        }
    }
}
