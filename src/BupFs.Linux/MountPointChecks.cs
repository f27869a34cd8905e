// Checks a mount point before mounting and unmounts FUSE mounts for `bupfs umount`.
// Never touches a path that may be a mount before the mount table has been consulted: a stat
// of a hung FUSE mount blocks, and a stale one answers "Transport endpoint is not connected".
using System.ComponentModel;
using System.Diagnostics;
using BupFs.Linux.Interop;

namespace BupFs.Linux;

/// <summary>Mount point validation and unmounting (Linux).</summary>
public static class MountPointChecks
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    /// <summary>True when the process runs as root (umount2 allowed, fusermount3 not needed).</summary>
    internal static bool IsRoot => LibC.GetEffectiveUserId() == 0;

    /// <summary>
    /// Checks that <paramref name="mountPoint"/> is an existing directory with nothing mounted on
    /// it, and returns its canonical absolute path (what the kernel's mount table shows).
    /// </summary>
    /// <exception cref="MountException">MountPointMissing, NotADirectory, AlreadyMounted or StaleMount.</exception>
    public static string Validate(string mountPoint)
    {
        (string path, MountEntry? entry) = Resolve(mountPoint);
        if (entry is not null)
        {
            throw Occupied(path, entry);
        }

        if (Directory.Exists(path))
        {
            return path;
        }

        throw File.Exists(path)
            ? new MountException(MountFailure.NotADirectory, $"mount point {Quote(path)} is not a directory")
            : new MountException(MountFailure.MountPointMissing, $"mount point {Quote(path)} does not exist: create it with `mkdir -p {Quote(path)}`");
    }

    /// <summary>True when something (FUSE or not) is mounted on <paramref name="mountPoint"/>.</summary>
    public static bool IsMounted(string mountPoint) => Resolve(mountPoint).Entry is not null;

    /// <summary>
    /// Unmounts the FUSE mount on <paramref name="mountPoint"/> (live or stale): fusermount3 -u,
    /// then a lazy fusermount3 -u -z if it is busy, and umount2 as root without fusermount3.
    /// </summary>
    /// <exception cref="MountException">NotMounted, NotFuseMount or UnmountFailed.</exception>
    public static void Unmount(string mountPoint)
    {
        (string path, MountEntry? entry) = Resolve(mountPoint);
        if (entry is null)
        {
            throw new MountException(MountFailure.NotMounted, $"{Quote(path)} is not mounted");
        }

        if (!entry.IsFuse)
        {
            throw new MountException(MountFailure.NotFuseMount,
                $"{Quote(path)} is a {entry.FsType} mount, not a FUSE mount; bupfs only unmounts FUSE mounts");
        }

        string? error = Fusermount("-u", path);
        if (error is null || Fusermount("-u", "-z", path) is null)
        {
            return; // unmounted, or busy and now lazily detached
        }

        if (IsRoot && (LibC.Unmount2(path, 0) == 0 || LibC.Unmount2(path, LibC.MountDetach) == 0))
        {
            return;
        }

        throw new MountException(MountFailure.UnmountFailed, $"could not unmount {Quote(path)}: {error}");
    }

    /// <summary>
    /// Lazily detaches the mount on <paramref name="path"/> if it is still the one with
    /// <paramref name="device"/> (so we never unmount something mounted there later).
    /// </summary>
    internal static void Detach(string path, string? device)
    {
        MountEntry? entry = MountTable.Find(path);
        if (entry is null || (device is not null && entry.Device != device))
        {
            return;
        }

        if (!IsRoot || LibC.Unmount2(path, LibC.MountDetach) != 0)
        {
            Fusermount("-u", "-z", path);
        }
    }

    /// <summary>The canonical path and the mount on it, without touching the path if it is a mount.</summary>
    private static (string Path, MountEntry? Entry) Resolve(string mountPoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(mountPoint);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null)
        {
            return (full, MountTable.Find(full)); // "/"
        }

        string path = Path.Join(LibC.Canonicalize(parent) ?? parent, Path.GetFileName(full));
        MountEntry? entry = MountTable.Find(path);
        if (entry is null && new FileInfo(path).LinkTarget is not null && LibC.Canonicalize(path) is { } target)
        {
            // A symlink to a directory: mount(2) follows it, so the table lists the target.
            path = target;
            entry = MountTable.Find(path);
        }

        return (path, entry);
    }

    private static MountException Occupied(string path, MountEntry entry)
    {
        string what = $"{entry.FsType} from {entry.Source}";
        if (!entry.IsFuse)
        {
            return new MountException(MountFailure.AlreadyMounted, $"{Quote(path)} is already a mount point ({what}); choose another directory");
        }

        int? errno = ProbeStatFs(path);
        return errno switch
        {
            ErrnoMap.ENOTCONN => new MountException(MountFailure.StaleMount,
                $"{Quote(path)} holds a stale FUSE mount ({what}: Transport endpoint is not connected); " +
                $"clean it up with `fusermount3 -u {Quote(path)}` or `bupfs umount {Quote(path)}`"),
            null => new MountException(MountFailure.AlreadyMounted,
                $"{Quote(path)} holds a FUSE mount ({what}) that does not respond; detach it with `fusermount3 -u -z {Quote(path)}`"),
            _ => new MountException(MountFailure.AlreadyMounted,
                $"{Quote(path)} is already mounted ({what}); unmount it first with `bupfs umount {Quote(path)}`"),
        };
    }

    /// <summary>statfs errno on <paramref name="path"/> (0 = alive), or null if it did not answer in time.</summary>
    private static int? ProbeStatFs(string path)
    {
        // A hung daemon would block statfs forever: probe on a background thread we may abandon.
        int result = -1;
        var probe = new Thread(() => result = LibC.ProbeStatFs(path)) { IsBackground = true, Name = "bupfs mount probe" };
        probe.Start();
        return probe.Join(ProbeTimeout) ? result : null;
    }

    /// <summary>Runs fusermount3; returns null on success, else why it failed.</summary>
    internal static string? Fusermount(params string[] arguments)
    {
        var start = new ProcessStartInfo("fusermount3") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill();
                return "fusermount3 did not finish";
            }

            string message = error.Result.Trim();
            return process.ExitCode == 0 ? null : message.Length > 0 ? message : $"fusermount3 exited with code {process.ExitCode}";
        }
        catch (Win32Exception)
        {
            return "fusermount3 is not installed (apt-get install fuse3)";
        }
    }

    private static string Quote(string path) =>
        path.AsSpan().IndexOfAny(" \t'\"$`\\") < 0 ? path : "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
