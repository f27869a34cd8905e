// Restoring into the filesystem: bup restore's create_path / write content / apply_to_path, in its order.
using BupBackup.Posix;
using BupBackup.Posix.Interop;
using BupBackup.Restore.Pipeline;
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
/// once) go through a <see cref="ContentPipeline"/> when <see cref="RestoreOptions.Workers"/>
/// exceeds one: reader threads inflate their content ahead while writer threads write them. A
/// directory's metadata is applied once everything below it is done (<see cref="PendingDirectory"/>).
/// </remarks>
internal sealed class DiskSink : IRestoreSink
{
    private readonly byte[] _destination;
    private readonly RestoreOptions _options;
    private readonly RestoreReport _report;
    private readonly ContentWriter _content;
    private readonly ContentPipeline? _pipeline;
    private readonly Stack<PendingDirectory> _open = new();
    private readonly PendingDirectory _top;

    public DiskSink(byte[] destination, RestoreOptions options, RestoreReport report, ContentReader reader)
    {
        _destination = destination;
        _options = options;
        _report = report;
        _content = new ContentWriter(reader, options.Sparse);
        _pipeline = options.Workers > 1 ? new ContentPipeline(reader, options.Workers, (options.Workers + 1) / 2, WriteQueued) : null;
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
        if (item.Metadata.FileType != PosixFileType.Regular)
        {
            WriteNode(item);
        }
        else if (item.ObjectId is not { } id)
        {
            using var content = openContent();
            WriteStream(item, content);
        }
        else if (_pipeline is null || item.Metadata.HardlinkTarget is { Length: > 0 })
        {
            WriteNow(item, id);
        }
        else
        {
            var parent = Current;
            parent.Hold();
            _pipeline.Submit(item, parent);
        }
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
    public void Drain() => _pipeline?.Drain();

    /// <inheritdoc/>
    public void Complete()
    {
        _pipeline?.Complete();
        _top.Release();
    }

    /// <inheritdoc/>
    public void Dispose() => _pipeline?.Dispose();

    private void WriteNode(RestoreItem item)
    {
        NodeCreator.Create(PathOf(item), item.Metadata)?.Dispose();
        Apply(item);
    }

    // Content without an object (not from a save's tree): through the view's stream.
    private void WriteStream(RestoreItem item, Stream content)
    {
        _content.WriteFromStream(PathOf(item), item.Metadata, content);
        Apply(item);
    }

    // On the walking thread: hardlinks (later members link to the file at once) and Workers == 1.
    private void WriteNow(RestoreItem item, ObjectId id)
    {
        _content.WriteFromStore(PathOf(item), item.Metadata, id);
        Apply(item);
    }

    // On a writer thread: failures are reported here, and the directory's hold is always released.
    private void WriteQueued(FileWork work)
    {
        try
        {
            _content.WriteFromChannel(PathOf(work.Item), work.Item.Metadata, work.Content, createLock: work.Parent);
            Apply(work.Item);
        }
        catch (Exception e) when (RestoreWalker.IsEntryFailure(e))
        {
            work.Content.Abandon();
            _report.Error(work.Item.RelativePath, e.Message);
        }
        finally
        {
            work.Parent.Release();
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
        var metadata = _options.OwnerMap?.Apply(item.Metadata) ?? item.Metadata;
        var warnings = MetadataApplier.Apply(PathOf(item), metadata, _options.NumericIds, _options.RestoreOwners);
        foreach (var warning in warnings)
        {
            _report.Error(warning);
        }
    }

    private byte[] PathOf(RestoreItem item) => item.IsDestination ? _destination : PathSafety.Join(_destination, item.RelativePath);
}
