using System.Runtime.InteropServices;

namespace BupStore.Repository;

/// <summary>
/// Durability primitives: nothing acknowledged may be lost, so new files are written under a
/// temporary name, flushed to disk, renamed into place, and their directory is synced so that the
/// rename itself survives a crash.
/// </summary>
public static partial class Durable
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;

    /// <summary>Flushes a directory's entries (renames, creations) to disk. No-op off Unix.</summary>
    public static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        var fd = Open(path, ORdOnly | ODirectory);
        if (fd < 0)
        {
            throw new IOException($"{path}: cannot open directory to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"{path}: fsync failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Writes a whole file atomically: temp file in the same folder, fsync, rename, sync folder.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                f.Write(content);
                f.Flush(true);
            }

            File.Move(temp, path, overwrite: true);
            SyncDirectory(dir);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Starts asynchronous writeback of a file range (Linux sync_file_range); a hint, errors ignored.</summary>
    public static void StartWriteback(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SyncFileRange((int)handle.DangerousGetHandle(), offset, length, SyncFileRangeWrite);
        }
    }

    private const uint SyncFileRangeWrite = 2;

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long nbytes, uint flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
