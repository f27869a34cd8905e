using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Index;

/// <summary>
/// What the index knows about one path: its lstat result when last indexed, the metadata bup
/// would record for it, and (when <see cref="IndexFlags.HashValid"/>) the object that stores it.
/// </summary>
/// <remarks>
/// <see cref="Path"/> is where the entry appears in saves (after any index graft), absolute, and a
/// directory's ends in '/'; sorting index paths byte-wise then lists every directory right before
/// its contents, in git's tree order. <see cref="RealPath"/> is where the entry is on disk.
/// Not thread-safe; records are handed from one stage to the next, never shared.
/// </remarks>
public sealed class IndexRecord
{
    /// <summary>The path in the archive layout; directories end in '/'.</summary>
    public required byte[] Path { get; init; }

    /// <summary>The path on disk (directories end in '/'); empty for a synthetic directory.</summary>
    public required byte[] RealPath { get; set; }

    /// <summary>State bits.</summary>
    public IndexFlags Flags { get; set; }

    /// <summary>The lstat result when the record was last refreshed.</summary>
    public FileStatus Status { get; set; }

    /// <summary>The git mode of <see cref="Id"/> (blob, chunked tree, symlink or tree); meaningful when valid.</summary>
    public GitFileMode GitMode { get; set; }

    /// <summary>The stored object: blob, chunk tree or directory tree; meaningful when valid.</summary>
    public ObjectId Id { get; set; }

    /// <summary>The encoded bup metadata (normalized, as a .bupm holds it, without hardlink target).</summary>
    public byte[] Metadata { get; set; } = [];

    /// <summary>Number of records below this directory (0 for anything else).</summary>
    public long Descendants { get; set; }

    /// <summary>Bytes of the records below this directory in the index file.</summary>
    public long SubtreeBytes { get; set; }

    /// <summary>Where the record starts in the file it was read from (-1 for a new record).</summary>
    public long Offset { get; init; } = -1;

    /// <summary>The encoded length of the record in the file it was read from.</summary>
    public int EncodedLength { get; init; }

    /// <summary>True for a directory (the path ends in '/').</summary>
    public bool IsDirectory => Path.Length > 0 && Path[^1] == (byte)'/';

    /// <summary>True when <see cref="IndexFlags.HashValid"/> is set.</summary>
    public bool IsValid => (Flags & IndexFlags.HashValid) != 0;

    /// <summary>True for a directory that exists only in the archive layout.</summary>
    public bool IsSynthetic => (Flags & IndexFlags.Synthetic) != 0;

    /// <summary>
    /// bup's "stale" test: has the inode changed since it was indexed? Compares size, mtime, ctime,
    /// inode, link count, mode and owners, and the device unless <paramref name="checkDevice"/> is
    /// false (snapshots mounted elsewhere). A racy record is always stale.
    /// </summary>
    public bool IsStale(in FileStatus now, bool checkDevice)
    {
        var old = Status;
        return (Flags & IndexFlags.Racy) != 0
            || old.Size != now.Size || old.Mtime != now.Mtime || old.Ctime != now.Ctime
            || old.Inode != now.Inode || old.LinkCount != now.LinkCount || old.Mode != now.Mode
            || old.Uid != now.Uid || old.Gid != now.Gid
            || (checkDevice && old.Device != now.Device);
    }

    /// <summary>The decoded metadata (a fresh object each call), or null when none is recorded.</summary>
    public BupMetadata? DecodeMetadata() =>
        Metadata.Length == 0 ? null : BupMetadata.Decode(Metadata, $"{IndexFile.FileName} record {NameText.Display(Path)}");

    /// <summary>A copy that can be changed without touching this record.</summary>
    public IndexRecord Clone() => (IndexRecord)MemberwiseClone();

    /// <inheritdoc/>
    public override string ToString() => NameText.Display(Path);
}
