// bupfs restore: bup 0.33's cmd/restore.py on top of the repository view the mount uses.
using BupBackup.Posix;
using BupBackup.Restore.Pipeline;
using BupBackup.Restore.Tar;
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Repository;

namespace BupBackup.Restore;

/// <summary>
/// Restores saves as <c>bup restore</c> does, into a directory or as a pax tar stream. Paths name
/// nodes of the repository view (<c>/NAME/latest/home/me</c>): without a trailing '/' the node is
/// restored under its own name (<c>/NAME/latest</c> as "latest"); with '/' only its entries are;
/// with '/.' its entries and then its metadata onto the destination itself.
/// </summary>
/// <remarks>
/// <para>Content, type, mode, owners (see <see cref="RestoreOptions.RestoreOwners"/>), times with
/// nanoseconds, symlink targets, device numbers, xattrs, ACLs and Linux attributes are restored;
/// hardlinks become hardlinks; zero blocks become holes. Directories get their metadata after their
/// entries. A failing entry is reported through <see cref="RestoreOptions.Error"/> and skipped; so
/// are problems the view works around (unreadable .bupm, names no directory can hold, duplicates),
/// which a hostile repository could use. Nothing is written outside the destination.</para>
/// <para>Not thread-safe: one restore at a time. The repository stays owned by the caller.</para>
/// </remarks>
public sealed class Restorer : IDisposable
{
    // A restore to disk reads file content straight from the store (ContentReader), so the view's
    // cache holds listings, and for --tar also chunk trees and the chunks cut by read boundaries of
    // the file being streamed; more just keeps dead chunks alive (see PacedStream).
    private const long CacheBytes = 16L * 1024 * 1024;

    // The walk holds a lookup reference on every node it still needs; idle nodes are of no use to it.
    private const int RetainedIdleNodes = 4096;

    private readonly RepoFileSystem _fs;
    private readonly RestoreOptions _options;
    private RestoreReport? _report;

    /// <summary>Restores from <paramref name="repository"/> with <paramref name="options"/> (defaults when null).</summary>
    public Restorer(Repository repository, RestoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        _options = options ?? new RestoreOptions();
        _fs = new RepoFileSystem(repository, new RepoFileSystemOptions
        {
            Warning = OnViewProblem,
            CacheSizeLimit = CacheBytes,
            RetainedIdleNodes = RetainedIdleNodes,
        });
    }

    /// <summary>
    /// Restores <paramref name="paths"/> below <paramref name="destination"/> (created with its parents
    /// when missing). Existing entries of the same names are replaced, except non-empty directories,
    /// which are refused as bup refuses them.
    /// </summary>
    /// <exception cref="RestoreAbortedException">Writing the -v listing failed.</exception>
    public RestoreSummary RestoreTo(byte[] destination, IEnumerable<byte[]> paths)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(paths);
        MakeDirectories(destination);
        var report = new RestoreReport(_options);
        using var sink = new DiskSink(destination, _options, report, new ContentReader(_fs.Repository.Objects));
        return Run(paths, sink, report);
    }

    /// <summary>Writes <paramref name="paths"/> as one pax archive to <paramref name="output"/> (left open).</summary>
    /// <exception cref="RestoreAbortedException">Writing to <paramref name="output"/> or the -v listing failed.</exception>
    public RestoreSummary WriteTar(Stream output, IEnumerable<byte[]> paths)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(paths);
        using var writer = new PaxTarWriter(output, leaveOpen: true);
        var report = new RestoreReport(_options);
        return Run(paths, new TarSink(writer, _options, report), report);
    }

    /// <summary>Frees the view's cache. The repository is not disposed.</summary>
    public void Dispose() => _fs.Dispose();

    private RestoreSummary Run(IEnumerable<byte[]> paths, IRestoreSink sink, RestoreReport report)
    {
        _report = report;
        try
        {
            var walker = new RestoreWalker(_fs, sink, report, _options.Exclusions);
            foreach (var path in paths)
            {
                if (RestorePath.Parse(path, out var problem) is { } request)
                {
                    walker.Restore(request);
                }
                else
                {
                    report.Error(problem!);
                }
            }

            sink.Complete();
            return new RestoreSummary(report.Restored, report.Errors);
        }
        finally
        {
            _report = null;
        }
    }

    // The view hides what it cannot show (entries whose names no directory can hold, duplicates) and
    // replaces unreadable metadata by defaults; a restore must not pass over that silently.
    private void OnViewProblem(string message) => _report?.Error($"repository: {message}");

    // bup's mkdirp of -C: parents too, following what exists (the destination is the user's choice).
    private static void MakeDirectories(byte[] destination)
    {
        for (var end = 1; end <= destination.Length; end++)
        {
            if (end < destination.Length && destination[end] != (byte)'/')
            {
                continue;
            }

            var prefix = destination.AsSpan(0, end);
            if (PosixFiles.TryLStat(prefix) is null)
            {
                PosixFiles.Mkdir(prefix, 0x1FF); // 0o777 less the umask, as mkdir(1)
            }
        }

        if (PosixFiles.TryLStat(destination) is { FileType: not PosixFileType.Directory and not PosixFileType.Symlink })
        {
            throw new IOException($"{BupStore.Objects.NameText.Display(destination)} exists and is not a directory");
        }
    }
}
