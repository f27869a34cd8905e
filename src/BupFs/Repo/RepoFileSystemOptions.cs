namespace BupFs.Repo;

/// <summary>Tuning and environment of a <see cref="RepoFileSystem"/>. Defaults suit a mount.</summary>
public sealed class RepoFileSystemOptions
{
    /// <summary>Bound of the decoded-object cache (blobs, chunk trees, listings), in bytes. Default 16 MiB.</summary>
    /// <remarks>
    /// Small on purpose: the kernel caches file content of a mount (keep_cache), so this cache only
    /// needs the chunk-tree nodes and listings on the current paths, the chunks cut by read boundaries
    /// and chunks that repeat. Measured on a cold 400 MB read (with the read-ahead of the time): 256 MiB
    /// gave 288 MB/s and 476 MiB peak RSS, 16 MiB gave 502 MB/s and 216 MiB (a big live heap makes
    /// every collection dearer); see docs/benchmarks.md. A value estimated above half the bound (the
    /// listing of a directory of ~20,000 entries at 16 MiB) is held beside it, the two most recent
    /// such values only, so lookups in a large directory do not decode it again each time.
    /// </remarks>
    public long CacheSizeLimit { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// How old the view of the refs may get before the root and branch folders read them again,
    /// so new saves appear without a remount. Default 1 s; <see cref="TimeSpan.Zero"/> reads on every request.
    /// </summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The time zone save names are rendered in (bup uses the reader's local zone). Default: the
    /// process's local zone (TZ).
    /// </summary>
    public TimeZoneInfo TimeZone { get; init; } = BupStore.Time.LocalTimeZone.Current;

    /// <summary>
    /// How many nodes the host holds no reference to (listed, resolved or forgotten) are kept
    /// addressable by inode number before the least recently used are dropped. Default 65 536.
    /// </summary>
    /// <remarks>
    /// A listing of a larger directory leaves only its last entries addressable: a caller that uses
    /// listed entries by number afterwards looks each up by name (and forgets it) instead.
    /// </remarks>
    public int RetainedIdleNodes { get; init; } = 65_536;

    /// <summary>
    /// Receives one line per repository problem the view worked around (a .bupm that cannot be read
    /// or whose record count does not match its tree, a commit that cannot be read and may hide older
    /// saves, a save listed although its tree cannot be read, an unreadable subtree skipped while
    /// counting hardlinks, a damaged ref). Null: such problems are not reported. Called from request
    /// threads; must not throw.
    /// </summary>
    public Action<string>? Warning { get; init; }
}
