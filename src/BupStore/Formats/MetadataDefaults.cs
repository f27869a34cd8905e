// What bup presents when a tree has no metadata for an entry: docs/formats/vfs-layout.md, "Modes, sizes
// and times"
// (vfs.py default_file_mode, default_dir_mode, default_symlink_mode, _default_mode_for_gitmode).
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// Default metadata for entries of trees without <c>.bupm</c> (older bup, <c>bup split</c>, plain git)
/// and for entries whose record is the empty metadata.
/// </summary>
public static class MetadataDefaults
{
    /// <summary>0o100644: regular and chunked files.</summary>
    public const uint FileMode = 0x81A4;

    /// <summary>0o40755: directories.</summary>
    public const uint DirectoryMode = 0x41ED;

    /// <summary>0o120755: symlinks.</summary>
    public const uint SymlinkMode = 0xA1ED;

    /// <summary>
    /// The default <c>st_mode</c> for a tree entry: chunked files and 100xxx blobs are files, 40000 is a
    /// directory, 120000 a symlink. Other git modes (e.g. 160000 submodules) have no default: null.
    /// </summary>
    public static uint? ModeFor(GitFileMode mode, bool isChunked)
    {
        if (isChunked || ((uint)mode & 0xF000) == (uint)PosixFileType.Regular)
        {
            return FileMode;
        }

        return mode switch
        {
            GitFileMode.Tree => DirectoryMode,
            GitFileMode.Symlink => SymlinkMode,
            _ => null,
        };
    }

    /// <summary>
    /// Default metadata for a tree entry: the mode of <see cref="ModeFor"/>, owners 0 with empty (unknown)
    /// names, all times at the epoch, size 0 for directories and null (compute it) otherwise.
    /// Null when the git mode has no default.
    /// </summary>
    public static BupMetadata? For(GitFileMode mode, bool isChunked) =>
        ModeFor(mode, isChunked) is { } posixMode
            ? new BupMetadata { Mode = posixMode, Size = posixMode == DirectoryMode ? 0 : null }
            : null;

    /// <summary>Default metadata of a directory: 0o40755, size 0, times at the epoch.</summary>
    public static BupMetadata Directory() => new() { Mode = DirectoryMode, Size = 0 };
}
