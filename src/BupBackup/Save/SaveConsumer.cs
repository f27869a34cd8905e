using System.Threading.Channels;
using BupBackup.Index;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Saves;

namespace BupBackup.Save;

/// <summary>
/// The ordered half of a save: takes the producer's steps in index order, waits for each job's
/// result, builds the trees (through <see cref="TreeStack"/>) and writes the new index, in which
/// every file read gets its new object and every finished directory its tree.
/// </summary>
/// <remarks>Runs on one thread.</remarks>
internal sealed class SaveConsumer
{
    private readonly IndexReader _oldIndex;
    private readonly IndexWriter _newIndex;
    private readonly ArchiveLayout _layout;
    private readonly IReadOnlyDictionary<(ulong Device, ulong Inode), byte[]> _hardlinks;
    private readonly SaveOptions _options;
    private readonly SaveStatistics _stats;
    private readonly TreeStack _stack;
    private readonly Dictionary<string, (BupMetadata? Metadata, string? Warning)> _ancestorMetadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IndexRecord> _ancestors = new(StringComparer.Ordinal);
    private byte[]? _source;

    public SaveConsumer(IndexReader oldIndex, IndexWriter newIndex, ArchiveLayout layout, ConcurrentObjectWriter writer,
        IReadOnlyDictionary<(ulong Device, ulong Inode), byte[]> hardlinks, SaveOptions options, SaveStatistics stats)
    {
        _oldIndex = oldIndex;
        _newIndex = newIndex;
        _layout = layout;
        _hardlinks = hardlinks;
        _options = options;
        _stats = stats;
        _stack = new TreeStack(writer, (path, tree) => newIndex.SetDirectoryTree(path, tree), Warn);
    }

    /// <summary>True when the new index differs from the old one (something was read or a directory rebuilt).</summary>
    public bool IndexChanged { get; private set; }

    /// <summary>Consumes every step and returns the root tree.</summary>
    public ObjectId Run(ChannelReader<SaveEvent> steps)
    {
        while (steps.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (steps.TryRead(out var step))
            {
                Handle(step);
            }
        }

        // Rethrows the producer's failure, if any.
        steps.Completion.GetAwaiter().GetResult();
        return _stack.Finish();
    }

    private void Handle(SaveEvent step)
    {
        var record = step.Record;
        switch (step.Kind)
        {
            case SaveEventKind.Copy:
                _newIndex.CopySubtree(record, _oldIndex);
                break;
            case SaveEventKind.Ancestor:
                _newIndex.Add(record);
                _ancestors[Key(record.Path)] = record;
                break;
            case SaveEventKind.SourceStart:
                _source = record.Path;
                break;
            case SaveEventKind.SourceEnd:
                var source = _source!;
                _stack.PopWhile(level => level.IndexPath is { } p && PathNames.IsWithin(p, source));
                _source = null;
                break;
            default:
                _stats.Entries++;
                HandleEntry(step);
                break;
        }
    }

    private void HandleEntry(SaveEvent step)
    {
        var record = step.Record;
        switch (step.Kind)
        {
            case SaveEventKind.Directory:
                EnterDirectory(record, (DirectoryJob)step.Job!);
                break;
            case SaveEventKind.Reuse:
                ReuseDirectory(record);
                break;
            case SaveEventKind.Read:
                StoreRead(record, (FileJob)step.Job!);
                break;
            case SaveEventKind.File:
                StoreKnown(record);
                break;
            case SaveEventKind.TooLarge:
                MoveToParent(record);
                _stack.Top.Incomplete = true;
                _newIndex.Add(record);
                break;
        }
    }

    private void EnterDirectory(IndexRecord record, DirectoryJob job)
    {
        IndexChanged = true;
        _stack.MoveTo(_layout.Components(record.Path), (component, level) =>
        {
            if (component.IndexPath is { } p && p.AsSpan().SequenceEqual(record.Path))
            {
                job.Wait();
                ReportDirectoryWarning(record, job.Warning);
                return (job.Metadata, level == 0 ? null : record.Path);
            }

            return (AncestorMetadata(component), null);
        });
        var copy = record.Clone();
        copy.Flags &= ~IndexFlags.HashValid; // set again if its tree is finished complete
        _newIndex.Add(copy);
    }

    private void ReuseDirectory(IndexRecord record)
    {
        var components = _layout.Components(record.Path);
        _stack.MoveTo(components[..^1], Open);
        _stack.Top.Items.Add(new SaveTreeEntry(components[^1].Name, true, GitFileMode.Tree, record.Id, null));
        _newIndex.CopySubtree(record, _oldIndex);
        _stats.DirectoriesReused++;
    }

    private void StoreKnown(IndexRecord record)
    {
        MoveToParent(record);
        var metadata = record.DecodeMetadata();
        if (metadata is not null)
        {
            metadata.HardlinkTarget = HardlinkTarget(record);
        }

        _stack.Top.Items.Add(new SaveTreeEntry(Name(record), false, record.GitMode, record.Id, metadata));
        _newIndex.Add(record);
        _stats.FilesReused++;
        _options.OnEntry?.Invoke(' ', record.Path);
    }

    private void StoreRead(IndexRecord record, FileJob job)
    {
        IndexChanged = true;
        MoveToParent(record);
        job.Wait();
        job.Warnings.ForEach(Warn);
        if (job.Skipped)
        {
            _stats.Skipped++;
            _stack.Top.Incomplete = true;
            var kept = record.Clone();
            kept.Flags &= ~IndexFlags.HashValid;
            _newIndex.Add(kept);
            return;
        }

        _stack.Top.Items.Add(new SaveTreeEntry(Name(record), false, job.GitMode, job.Id, job.Metadata));
        _newIndex.Add(job.Updated!);
        _options.OnEntry?.Invoke(record.Id.IsZero ? 'A' : 'M', record.Path);
    }

    private byte[]? HardlinkTarget(IndexRecord record) =>
        record.Status.LinkCount > 1 && _hardlinks.TryGetValue((record.Status.Device, record.Status.Inode), out var t) ? t : null;

    private void MoveToParent(IndexRecord record) => _stack.MoveTo(_layout.Components(PathNames.Split(record.Path).Directory), Open);

    private static byte[] Name(IndexRecord record) => PathNames.Split(record.Path).Name;

    /// <summary>Opens a level that no directory record opened itself: an ancestor of a source, or a graft level.</summary>
    private (BupMetadata?, byte[]?) Open(ArchiveComponent component, int level) => (AncestorMetadata(component), null);

    private BupMetadata? AncestorMetadata(ArchiveComponent component)
    {
        if (component.IndexPath is not { } path)
        {
            return null;
        }

        var key = Key(path);
        if (!_ancestorMetadata.TryGetValue(key, out var known))
        {
            var record = _ancestors.GetValueOrDefault(key) ?? new IndexRecord { Path = path, RealPath = path };
            known = DirectoryJob.Read(record);
            ReportDirectoryWarning(record, known.Warning);
            _ancestorMetadata[key] = known;
        }

        return known.Metadata?.Clone();
    }

    private void ReportDirectoryWarning(IndexRecord record, string? warning)
    {
        if (warning is not null)
        {
            Warn(warning);
            if (_stack.Depth > 0)
            {
                _stack.Top.Incomplete = true;
            }
        }
    }

    private static string Key(byte[] path) => Convert.ToBase64String(path);

    private void Warn(string message)
    {
        _stats.Warnings++;
        _options.OnWarning?.Invoke(message);
    }
}
