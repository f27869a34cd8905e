// Restoring into the filesystem: bup restore's create_path / write content / apply_to_path, in its order.
using BupBackup.Posix;
using BupBackup.Posix.Interop;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Restore;

/// <summary>
/// Writes restored nodes below a destination directory. Every path is the destination plus names
/// the walker checked; directories are made here (and checked to be directories before anything is
/// put below them), files are created exclusively, so nothing is written through a symlink.
/// Metadata problems bup reports as errors are reported as errors.
/// </summary>
/// <remarks>
/// Called from the walking thread. Regular files (other than hardlinks, which later links need at
/// once) are written by a <see cref="WorkerPool"/> when <see cref="RestoreOptions.Workers"/> exceeds
/// one: their content streams are opened by the walker, which keeps their nodes alive. A directory's
/// metadata is applied once everything below it is done (<see cref="PendingDirectory"/>).
/// </remarks>
internal sealed class DiskSink : IRestoreSink
{
    private readonly byte[] _destination;
    private readonly RestoreOptions _options;
    private readonly RestoreReport _report;
    private readonly WorkerPool? _pool;
    private readonly Stack<PendingDirectory> _open = new();
    private readonly PendingDirectory _top;

    public DiskSink(byte[] destination, RestoreOptions options, RestoreReport report)
    {
        _destination = destination;
        _options = options;
        _report = report;
        _pool = options.Workers > 1 ? new WorkerPool(options.Workers, "bupfs restore") : null;
        _top = new PendingDirectory(null, null, Finish);
    }

    private PendingDirectory Current => _open.Count > 0 ? _open.Peek() : _top;

    /// <inheritdoc/>
    public void BeginDirectory(RestoreItem directory)
    {
        if (!directory.IsDestination)
        {
            var path = PathOf(directory);
            NodeCreator.Create(path, directory.Metadata);
            if (PosixFiles.LStat(path).FileType != PosixFileType.Directory)
            {
                throw new IOException($"{NameText.Display(path)} is not the directory just made; not restoring below it");
            }
        }

        _open.Push(new PendingDirectory(directory, Current, Finish));
    }

    /// <inheritdoc/>
    public void EndDirectory(RestoreItem directory) => _open.Pop().Release();

    /// <inheritdoc/>
    public void Write(RestoreItem item, Func<Stream> openContent)
    {
        var regular = item.Metadata.FileType == PosixFileType.Regular;
        if (_pool is null || !regular || item.Metadata.HardlinkTarget is { Length: > 0 })
        {
            using var content = regular ? openContent() : null;
            WriteNow(item, content);
            return;
        }

        var stream = openContent();
        var parent = Current;
        parent.Hold();
        _pool.Enqueue(() => WriteQueued(item, stream, parent));
    }

    /// <inheritdoc/>
    public bool CanLinkTo(RestoreItem earlier) => PosixFiles.TryLStat(PathOf(earlier)) is not null;

    /// <inheritdoc/>
    public bool Link(RestoreItem item, RestoreItem earlier)
    {
        try
        {
            LinkReplacing(PathOf(earlier), PathOf(item));
            return true;
        }
        catch (PosixException e) when (e.Errno == Errno.EXDEV)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Drain() => _pool?.Drain();

    /// <inheritdoc/>
    public void Complete()
    {
        _pool?.Complete();
        _top.Release();
    }

    /// <inheritdoc/>
    public void Dispose() => _pool?.Dispose();

    private void WriteNow(RestoreItem item, Stream? content)
    {
        using (var handle = NodeCreator.Create(PathOf(item), item.Metadata))
        {
            if (handle is not null && content is not null)
            {
                SparseFileWriter.Copy(content, handle, _options.Sparse);
            }
        }

        Apply(item);
    }

    // Runs on a worker: failures are reported here, and the directory's hold is always released.
    private void WriteQueued(RestoreItem item, Stream content, PendingDirectory parent)
    {
        try
        {
            WriteNow(item, content);
        }
        catch (Exception e) when (RestoreWalker.IsEntryFailure(e))
        {
            _report.Error(item.RelativePath, e.Message);
        }
        finally
        {
            content.Dispose();
            parent.Release();
        }
    }

    private void Finish(RestoreItem directory)
    {
        try
        {
            Apply(directory);
        }
        catch (Exception e) when (RestoreWalker.IsEntryFailure(e))
        {
            _report.Error(directory.IsDestination ? "."u8 : directory.RelativePath, e.Message);
        }
    }

    private static void LinkReplacing(byte[] existing, byte[] path)
    {
        try
        {
            NodeCreator.Link(existing, path);
        }
        catch (PosixException e) when (e.Errno == Errno.EEXIST && PosixFiles.LStat(path).FileType != PosixFileType.Directory)
        {
            PosixFiles.Unlink(path);
            NodeCreator.Link(existing, path);
        }
    }

    private void Apply(RestoreItem item)
    {
        var warnings = MetadataApplier.Apply(PathOf(item), item.Metadata, _options.NumericIds, _options.RestoreOwners);
        foreach (var warning in warnings)
        {
            _report.Error(warning);
        }
    }

    private byte[] PathOf(RestoreItem item) => item.IsDestination ? _destination : PathSafety.Join(_destination, item.RelativePath);
}
