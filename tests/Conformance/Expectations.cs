using BupFs;

namespace Conformance;

/// <summary>
/// What one driver's host is expected to do where hosts legitimately differ (POSIX leaves a choice,
/// or the platform has its own rule), and the cases known to fail there with the reason. Each host
/// has its own file (Expectations.Linux.cs; a Windows driver adds Expectations.Windows.cs), so a
/// case is written once and never branches on the platform itself.
/// </summary>
/// <param name="Driver">The driver's name, as test results show it.</param>
/// <param name="KnownFailures">Case name to a one-line reason; such a case is skipped when it fails and fails when it passes.</param>
public sealed partial record Expectations(string Driver, IReadOnlyDictionary<string, string> KnownFailures)
{
    /// <summary>The longest name a directory entry may have, in bytes.</summary>
    public int NameMax { get; init; } = 255;

    /// <summary>unlink(2) of a directory: Linux says EISDIR where POSIX says EPERM.</summary>
    public FsError UnlinkDirectory { get; init; } = FsError.IsDirectory;

    /// <summary>rename(2) over a non-empty directory: POSIX allows ENOTEMPTY or EEXIST.</summary>
    public IReadOnlyList<FsError> RenameOverNonEmptyDirectory { get; init; } = [FsError.NotEmpty, FsError.Exists];

    /// <summary>
    /// A user.* extended attribute set on a symlink: null when it is kept; else the error. Linux's VFS
    /// refuses it with EPERM before any filesystem is asked (xattr(7), "Extended user attributes");
    /// the contract leaves such checks to hosts, so in-process it is kept.
    /// </summary>
    public FsError? UserXattrOnSymlink { get; init; }

    /// <summary>The direct driver: the contract itself, as IWritableFileSystem documents it.</summary>
    public static Expectations Direct => new("direct", new Dictionary<string, string>());
}
