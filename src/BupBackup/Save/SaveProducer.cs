using System.Threading.Channels;
using BupBackup.Index;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupBackup.Save;

/// <summary>
/// Reads the old index once, in order, and decides for each record what the save does with it:
/// copy it (outside the sources), reuse its object (the index vouches for it and the repository
/// has it), or queue a job to read it. Whole valid subtrees are skipped without reading their
/// records. The decisions go, in order, to the tree builder; jobs go to the workers at once, so
/// reading runs ahead of tree building.
/// </summary>
/// <remarks>Runs on one thread; <see cref="Measure"/> is the same walk without side effects.</remarks>
internal sealed class SaveProducer
{
    private readonly IndexReader _reader;
    private readonly List<byte[]> _sources;
    private readonly ArchiveLayout _layout;
    private readonly ConcurrentObjectWriter _writer;
    private readonly long? _smaller;
    private readonly ReuseGuard _reuse;

    public SaveProducer(IndexReader reader, List<byte[]> sources, ArchiveLayout layout, ConcurrentObjectWriter writer, long? smaller)
    {
        _reader = reader;
        _sources = sources;
        _layout = layout;
        _writer = writer;
        _smaller = smaller;
        _reuse = new ReuseGuard(writer.Writer);
    }

    /// <summary>Bytes and files the save will read (for the progress display). Queues nothing.</summary>
    public (long Bytes, long Files) Measure()
    {
        long bytes = 0, files = 0;
        Walk(e =>
        {
            if (e.Kind == SaveEventKind.Read)
            {
                files++;
                bytes += e.Record.Status.FileType == PosixFileType.Regular ? e.Record.Status.Size : 0;
            }
        }, null);
        return (bytes, files);
    }

    /// <summary>Posts every step to <paramref name="output"/> and every job to <paramref name="workers"/>.</summary>
    public void Run(ChannelWriter<SaveEvent> output, SaveWorkers workers, FileSaver saver, CancellationToken cancel)
    {
        Exception? error = null;
        try
        {
            Walk(e => output.WriteAsync(e, cancel).AsTask().GetAwaiter().GetResult(), new JobFactory(workers, saver));
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            output.TryComplete(error);
        }
    }

    private void Walk(Action<SaveEvent> post, JobFactory? jobs)
    {
        var cursor = new IndexCursor(_reader);
        byte[]? source = null;
        while (cursor.MoveNext())
        {
            var record = cursor.Current!;
            source = Track(source, record, post);
            if (source is not null)
            {
                InSource(cursor, record, post, jobs);
            }
            else
            {
                Outside(cursor, record, post);
            }
        }

        if (source is not null)
        {
            post(new SaveEvent(SaveEventKind.SourceEnd, IndexMerge.Synthetic("/"u8.ToArray())));
        }
    }

    /// <summary>Announces leaving and entering sources; returns the source <paramref name="record"/> is in, or null.</summary>
    private byte[]? Track(byte[]? source, IndexRecord record, Action<SaveEvent> post)
    {
        if (source is not null && !PathNames.IsWithin(record.Path, source))
        {
            post(new SaveEvent(SaveEventKind.SourceEnd, record));
            source = null;
        }

        if (source is null && _sources.Find(s => PathNames.IsWithin(record.Path, s)) is { } found)
        {
            source = found;
            post(new SaveEvent(SaveEventKind.SourceStart, record));
        }

        return source;
    }

    /// <summary>A record outside every source: an ancestor of one is passed on, anything else copied whole.</summary>
    private void Outside(IndexCursor cursor, IndexRecord record, Action<SaveEvent> post)
    {
        if (record.IsDirectory && _sources.Exists(s => s.AsSpan().StartsWith(record.Path)))
        {
            post(new SaveEvent(SaveEventKind.Ancestor, record));
            return;
        }

        post(new SaveEvent(SaveEventKind.Copy, record));
        cursor.SkipSubtree();
    }

    private void InSource(IndexCursor cursor, IndexRecord record, Action<SaveEvent> post, JobFactory? jobs)
    {
        if (record.IsDirectory)
        {
            if (IsStored(record) && record.GitMode == GitFileMode.Tree && _layout.Components(record.Path).Count > 1)
            {
                post(new SaveEvent(SaveEventKind.Reuse, record));
                cursor.SkipSubtree();
                return;
            }

            post(new SaveEvent(SaveEventKind.Directory, record, jobs?.Directory(record)));
            return;
        }

        if (_smaller is { } limit && record.Status.Size >= limit)
        {
            post(new SaveEvent(SaveEventKind.TooLarge, record));
        }
        else if (IsStored(record) && record.GitMode != GitFileMode.None)
        {
            post(new SaveEvent(SaveEventKind.File, record));
        }
        else
        {
            post(new SaveEvent(SaveEventKind.Read, record, jobs?.File(record)));
        }
    }

    // Once damage is recorded, the guard also checks below the object (docs/DESIGN.md, "Repair and quarantine").
    private bool IsStored(IndexRecord record) =>
        record.IsValid && !record.Id.IsZero && _reuse.MayReuse(record.Id, record.IsDirectory, record.GitMode == GitFileMode.Tree);

    /// <summary>Creates jobs and queues them at once, so that reading runs ahead of tree building.</summary>
    private sealed class JobFactory(SaveWorkers workers, FileSaver saver)
    {
        public SaveJob Directory(IndexRecord record) => Queue(new DirectoryJob(record));

        public SaveJob File(IndexRecord record) => Queue(new FileJob(record, saver));

        private SaveJob Queue(SaveJob job)
        {
            workers.Queue(job);
            return job;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"save of {string.Join(", ", _sources.Select(s => NameText.Display(s)))}";
}
