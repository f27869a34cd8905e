// Why restore starts writeback itself: the kernel keeps written data dirty until a tenth of memory
// is dirty or it is 30 s old, so without help nothing of a restore reaches the disk until the
// final sync, and on a disk slower than the restore (a cloud volume at its baseline rate) that
// sync then takes as long as the restore again. Asking for writeback of each large file's data as
// it is written keeps the disk busy from the start. Small files are left to the kernel, which
// merges their writes better in one sweep.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BupBackup.Restore.Pipeline;

/// <summary>Starts asynchronous writeback of ranges already written (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>).</summary>
/// <remarks>Stateless, thread-safe. Only a hint: failures (e.g. a filesystem without it) are ignored.</remarks>
internal static partial class EarlyWriteBack
{
    /// <summary>How much new data a file accumulates before its writeback is started.</summary>
    public const long Step = 8L * 1024 * 1024;

    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE: start writeback, do not wait

    private static bool _unavailable;

    /// <summary>Starts writeback of <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="file"/>.</summary>
    public static void Start(SafeFileHandle file, long offset, long length)
    {
        if (Volatile.Read(ref _unavailable) || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = SyncFileRange((int)file.DangerousGetHandle(), offset, length, SyncFileRangeWrite);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, true);
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int fd, long offset, long length, uint flags);
}
