// Foreground mounts and signals (docs/fuse-interop.md, "Signals"): the .NET runtime owns SIGINT/SIGTERM, so
// libfuse's own handlers would only get SIGHUP, and SIGTERM would kill the process and leave
// a stale mount. PosixSignalRegistration turns the three signals into a clean unmount instead.
using System.Runtime.InteropServices;

namespace BupFs.Linux;

/// <summary>Unmounts a mount cleanly on SIGTERM, SIGINT and SIGHUP.</summary>
public static class MountSignals
{
    /// <summary>
    /// Registers SIGTERM, SIGINT and SIGHUP handlers that cancel the default termination and
    /// unmount <paramref name="mount"/> instead; the program then ends normally once
    /// <see cref="IMountHandle.Completion"/> completes. Dispose the result to unregister, after
    /// the mount has ended.
    /// </summary>
    /// <param name="mount">The mount to end.</param>
    /// <param name="timeout">How long the unmount may take (default 10 s).</param>
    /// <param name="log">Receives a line per signal and unmount failures (default: standard error).</param>
    public static IDisposable UnmountOnSignals(IMountHandle mount, TimeSpan? timeout = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(mount);
        Action<string> write = log ?? (line => Console.Error.WriteLine(line));
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(10);
        var registrations = new List<PosixSignalRegistration>(3);
        foreach (PosixSignal signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // keep the process alive; it ends when the mount has
                write($"bupfs: {context.Signal} received, unmounting {mount.MountPoint}");
                _ = UnmountQuietly(mount, limit, write);
            }));
        }

        return new Registrations(registrations);
    }

    private static async Task UnmountQuietly(IMountHandle mount, TimeSpan timeout, Action<string> log)
    {
        try
        {
            await mount.UnmountAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log("bupfs: " + e.Message);
        }
    }

    private sealed class Registrations(List<PosixSignalRegistration> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (PosixSignalRegistration registration in items)
            {
                registration.Dispose();
            }
        }
    }
}
