// Entry point of the libfuse3 host. See docs/decisions/0001-fuse-lowlevel.md for why the
// low-level API, and docs/fuse-interop.md for the libfuse facts behind every choice.
using BupFs.Linux.Interop;

namespace BupFs.Linux;

/// <summary>Mounts an <see cref="IFileSystem"/> on Linux through libfuse3's low-level API.</summary>
public static class FuseHost
{
    private const string FuseDevice = "/dev/fuse";

    /// <summary>
    /// Mounts <paramref name="fs"/> on <paramref name="mountPoint"/> and returns once the kernel
    /// has initialised the mount, so the files are usable right away. Requests are served on
    /// libfuse's own worker threads until the handle is unmounted (or disposed), the mount is
    /// unmounted from outside (<c>fusermount3 -u</c>), or the process ends.
    /// </summary>
    /// <remarks>
    /// Writes are served only when <paramref name="fs"/> implements <see cref="IWritableFileSystem"/>
    /// and <see cref="FuseMountOptions.ReadOnly"/> is false (the mount then always has
    /// default_permissions); otherwise every write fails with EROFS and the filesystem is not asked.
    /// The host takes ownership of <paramref name="fs"/>: it is disposed (if it implements
    /// <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/>) exactly once, when the mount
    /// ends or when mounting fails. Open handles the kernel never released are released first.
    /// The loop runs on a background thread: a foreground program should await
    /// <see cref="IMountHandle.Completion"/> (see <see cref="MountSignals"/> for Ctrl+C/SIGTERM).
    /// </remarks>
    /// <exception cref="MountException">The mount point or the system is not fit for mounting.</exception>
    public static IMountHandle Mount(IFileSystem fs, string mountPoint, FuseMountOptions options)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(mountPoint);
        ArgumentNullException.ThrowIfNull(options);
        string path;
        try
        {
            EnsureAvailable();
            MountArguments.Build(options, FuseOperations.WritableOf(fs, options) is not null);
            path = MountPointChecks.Validate(mountPoint);
        }
        catch (Exception)
        {
            FileSystemDisposal.Dispose(fs, new RequestLog(options.Log, trace: false));
            throw;
        }

        return FuseMount.Start(fs, path, options);
    }

    /// <summary>
    /// Null when this system can mount (Linux, libfuse3 3.12-3.16 loadable, /dev/fuse present, root
    /// or fusermount3 installed), else a one-line reason with an install hint.
    /// </summary>
    public static string? CheckAvailability()
    {
        try
        {
            EnsureAvailable();
            return null;
        }
        catch (MountException e)
        {
            return e.Message;
        }
    }

    private static void EnsureAvailable()
    {
        LibFuse.EnsureLoaded();
        if (!File.Exists(FuseDevice))
        {
            throw new MountException(MountFailure.DeviceMissing,
                $"{FuseDevice} is missing: load the fuse kernel module (`modprobe fuse`), or give the container `--device /dev/fuse --cap-add SYS_ADMIN`");
        }

        if (!MountPointChecks.IsRoot && !FusermountInstalled())
        {
            throw new MountException(MountFailure.LibraryMissing,
                "fusermount3 is not installed, and only root can mount without it: install it with `apt-get install fuse3`");
        }
    }

    private static bool FusermountInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Join(directory, "fusermount3")));
}
