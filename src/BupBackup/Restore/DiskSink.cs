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
/// exceeds one: a reader thread inflates their content ahead while writer threads write them. A
/// directory's metadata is applied once everything below it is done (<see cref="PendingDirectory"/>).
/// </remarks>
internal sealed class DiskSink : IRestoreSink
{
    private readonly byte[] _destination;
    private readonly RestoreOptions _options;
    private readonly RestoreReport _report;
    private readonly ContentReader _reader;
    private readonly ContentPipeline? _pipeline;
    private readonly BufferPool _pool = new(BlockBuilder.BlockSize, 1);
    private readonly Stack<PendingDirectory> _open = new();
    private readonly PendingDirectory _top;

    public DiskSink(byte[] destination, RestoreOptions options, RestoreReport report, ContentReader reader)
    {
        _destination = destination;
        _options = options;
        _report = report;
        _reader = reader;
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
        using (var file = RestoredFile.Create(PathOf(item), item.Metadata, _options.Sparse))
        {
            var buffer = _pool.Rent();
            try
            {
                for (int n; (n = content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0;)
                {
                    file.Write(buffer.AsSpan(0, n));
                }
            }
            finally
            {
                _pool.Return(buffer);
            }

            file.Finish();
        }

        Apply(item);
    }

    // On the walking thread: hardlinks (later members link to the file at once) and Workers == 1.
    // The top object is read first, so a missing one leaves nothing behind.
    private void WriteNow(RestoreItem item, ObjectId id)
    {
        var top = _reader.ReadTop(id);
        using (var file = RestoredFile.Create(PathOf(item), item.Metadata, _options.Sparse))
        {
            if (top.Type == ObjectType.Blob)
            {
                file.Write(top.Data);
            }
            else
            {
                WriteChunks(file, id, top.Data);
            }

            file.Finish();
        }

        Apply(item);
    }

    private void WriteChunks(RestoredFile file, ObjectId id, byte[] tree)
    {
        var blocks = new BlockBuilder(_pool, block =>
        {
            try
            {
                file.Write(block.Span);
            }
            finally
            {
                _pool.Return(block.Buffer);
            }

            return true;
        });
        try
        {
            _reader.ReadChunks(id, tree, blob => blocks.Append(blob));
            blocks.Flush();
        }
        finally
        {
            blocks.Discard();
        }
    }

    // The kernel creates the entries of one directory one at a time, under the directory's lock, and
    // a second writer creating in the same directory spins on that lock while the first allocates
    // its inode (a fifth of a small-file restore's CPU); waiting here lets it sleep instead.
    private RestoredFile CreateBelow(PendingDirectory parent, RestoreItem item)
    {
        lock (parent)
        {
            return RestoredFile.Create(PathOf(item), item.Metadata, _options.Sparse);
        }
    }

    // On a writer thread: failures are reported here, and the directory's hold is always released.
    // A failure before any content (a missing object) leaves nothing behind, as on the walking thread.
    private void WriteQueued(FileWork work)
    {
        try
        {
            var more = work.Content.Take(out var block);
            try
            {
                using (var file = CreateBelow(work.Parent, work.Item))
                {
                    while (more)
                    {
                        file.Write(block.Span);
                        more = false;
                        work.Content.Release(block);
                        more = work.Content.Take(out block);
                    }

                    file.Finish();
                }
            }
            finally
            {
                if (more)
                {
                    work.Content.Release(block);
                }
            }

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
