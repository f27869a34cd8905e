// Restoring into the filesystem: bup restore's create_path / write content / apply_to_path, in its order.
using BupBackup.Posix;
using BupBackup.Posix.Interop;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Restore;

/// <summary>
/// Writes restored nodes below a destination directory. Every path is the destination plus names
/// the walker checked; directories are made here (never followed if something else is found), files
/// are created exclusively, so nothing is written through a symlink. Metadata problems bup reports
/// as errors are reported as errors.
/// </summary>
/// <remarks>Called from the walking thread only.</remarks>
internal sealed class DiskSink : IRestoreSink
{
    private readonly byte[] _destination;
    private readonly RestoreOptions _options;
    private readonly RestoreReport _report;

    public DiskSink(byte[] destination, RestoreOptions options, RestoreReport report)
    {
        _destination = destination;
        _options = options;
        _report = report;
    }

    /// <inheritdoc/>
    public void BeginDirectory(RestoreItem directory)
    {
        if (directory.IsDestination)
        {
            return;
        }

        var path = PathOf(directory);
        NodeCreator.Create(path, directory.Metadata);
        if (PosixFiles.LStat(path).FileType != PosixFileType.Directory)
        {
            throw new IOException($"{NameText.Display(path)} is not the directory just made; not restoring below it");
        }
    }

    /// <inheritdoc/>
    public void EndDirectory(RestoreItem directory) => Apply(directory);

    /// <inheritdoc/>
    public void Write(RestoreItem item, Func<Stream> openContent)
    {
        var path = PathOf(item);
        using (var content = item.Metadata.FileType == PosixFileType.Regular ? openContent() : null)
        using (var handle = NodeCreator.Create(path, item.Metadata))
        {
            if (handle is not null && content is not null)
            {
                SparseFileWriter.Copy(content, handle, _options.Sparse);
            }
        }

        Apply(item);
    }

    /// <inheritdoc/>
    public bool CanLinkTo(RestoreItem earlier) => PosixFiles.TryLStat(PathOf(earlier)) is not null;

    /// <inheritdoc/>
    public bool Link(RestoreItem item, RestoreItem earlier)
    {
        var path = PathOf(item);
        try
        {
            LinkReplacing(PathOf(earlier), path);
            return true;
        }
        catch (PosixException e) when (e.Errno == Errno.EXDEV)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Complete()
    {
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
