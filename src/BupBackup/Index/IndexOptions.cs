using System.Text.RegularExpressions;

namespace BupBackup.Index;

/// <summary>How <see cref="IndexUpdater"/> walks and records the filesystem (bup index's options).</summary>
public sealed record IndexOptions
{
    /// <summary>Resolved paths (no trailing '/') never indexed, nor anything below them (--exclude, --exclude-from).</summary>
    public IReadOnlyList<byte[]> Excludes { get; init; } = [];

    /// <summary>Patterns matched against each path (a directory's with a trailing '/'); matches are skipped (--exclude-rx).
    /// Paths are given to the regex as Latin-1 text, one char per byte.</summary>
    public IReadOnlyList<Regex> ExcludePatterns { get; init; } = [];

    /// <summary>Do not descend into directories on another filesystem than their root (-x).</summary>
    public bool OneFileSystem { get; init; }

    /// <summary>
    /// The resolved paths named on the command line, directories with a trailing '/' (bup's
    /// xdev_exceptions): -x still enters these when they are below another named path.
    /// </summary>
    public IReadOnlyList<byte[]> NamedPaths { get; init; } = [];

    /// <summary>Index graft points: files are recorded under the archive path (--graft OLD=NEW).</summary>
    public IReadOnlyList<GraftPoint> Grafts { get; init; } = [];

    /// <summary>When false, a changed device number alone does not make a record stale (--no-check-device).</summary>
    public bool CheckDevice { get; init; } = true;

    /// <summary>Marks every record at or below the walked paths valid or invalid (--fake-valid, --fake-invalid).</summary>
    public FakeValidity Fake { get; init; }

    /// <summary>The repository directory, never indexed (bup skips BUP_DIR).</summary>
    public byte[]? RepositoryDirectory { get; init; }

    /// <summary>Called with each index path as it is recorded (verbose listing, progress); may be null.</summary>
    public Action<byte[], IndexRecord>? OnRecord { get; init; }

    /// <summary>Receives every non-fatal problem (a path that cannot be read is skipped); may be null.</summary>
    public Action<string>? OnWarning { get; init; }
}
