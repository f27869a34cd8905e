using BupBackup.Posix;

namespace BupBackup.Restore;

/// <summary>How <see cref="Restorer"/> restores, and where it reports.</summary>
public sealed record RestoreOptions
{
    /// <summary>bup's --numeric-ids: restore the recorded uid/gid (and numeric ACLs) rather than looking up the recorded names.</summary>
    public bool NumericIds { get; init; }

    /// <summary>bup's --map-user/--map-group/--map-uid/--map-gid: owners rewritten in each record before it is applied (and in tar headers); null: none.</summary>
    public OwnerMap? OwnerMap { get; init; }

    /// <summary>bup's --exclude-rx: nodes whose path in the restore tree matches are skipped with everything below them; null: none.</summary>
    public RestoreExclusions? Exclusions { get; init; }

    /// <summary>Set owners (bup does so only as root). Default: whether the process is root.</summary>
    public bool RestoreOwners { get; init; } = PosixFiles.IsSuperuser;

    /// <summary>Skip runs of whole 4 KiB zero blocks with holes instead of writing them. Default false, as
    /// bup restore without --sparse.</summary>
    public bool Sparse { get; init; }

    /// <summary>bup's -v count: 1 lists directories, 2 lists every entry (to <see cref="Listing"/>).</summary>
    public int Verbosity { get; init; }

    /// <summary>Where the -v lines go (one '/'-prefixed path per line, raw bytes); null: nowhere.</summary>
    public Stream? Listing { get; init; }

    /// <summary>Receives each error, one line (a path that cannot be restored, a repository problem); called from one thread at a time, not always the caller's.</summary>
    public Action<string>? Error { get; init; }

    /// <summary>Receives each warning that is not an error (e.g. a socket left out of a tar stream); called as <see cref="Error"/> is.</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>Receives the running count of restored entries (often; the receiver throttles), from the walking thread.</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>
    /// Threads reading and inflating file content in a restore to disk, with half as many writing
    /// it (1: the walking thread does everything). Default: the core count, at most 4.
    /// </summary>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);
}
