using BupBackup.Posix;

namespace BupBackup.Index;

/// <summary>A path an index run met, before it is merged with what the old index knew.</summary>
/// <param name="IndexPath">Where it appears in saves (a directory's ends in '/').</param>
/// <param name="RealPath">Where it is on disk; empty for a synthetic directory.</param>
/// <param name="Status">Its lstat result (a bare directory mode for a synthetic one).</param>
internal readonly record struct NewEntry(byte[] IndexPath, byte[] RealPath, FileStatus Status)
{
    /// <summary>True for a directory that exists only in the archive layout.</summary>
    public bool IsSynthetic => RealPath.Length == 0;
}
