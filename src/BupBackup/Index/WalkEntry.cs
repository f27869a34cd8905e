using BupBackup.Posix;

namespace BupBackup.Index;

/// <summary>One path found on disk by <see cref="FileSystemWalker"/>.</summary>
/// <param name="RealPath">The path on disk; a directory's ends in '/'.</param>
/// <param name="Status">Its lstat result.</param>
internal readonly record struct WalkEntry(byte[] RealPath, FileStatus Status);
