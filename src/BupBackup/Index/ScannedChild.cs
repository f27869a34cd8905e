using BupBackup.Posix;
using BupStore.Formats;

namespace BupBackup.Index;

/// <summary>One entry of a scanned directory: its name and lstat result.</summary>
/// <param name="Name">The entry's name (no '/').</param>
/// <param name="Status">Its lstat result.</param>
internal readonly record struct ScannedChild(byte[] Name, FileStatus Status)
{
    /// <summary>True for a directory.</summary>
    public bool IsDirectory => Status.FileType == PosixFileType.Directory;
}
