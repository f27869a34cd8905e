using System.Threading.Channels;
using BupBackup.Index;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupBackup.Save;

/// <summary>
/// <c>bupfs save</c>: stores the sources as bup 0.33's save does (trees with .bupm metadata,
/// hashsplit files) using the bupfs-index to read only what changed, and prepares the updated
/// index. Sources the index does not cover (or no index at all) are indexed first; a damaged index
/// is reported, rebuilt and the save run again.
/// </summary>
/// <remarks>
/// Pipeline: one thread reads the index and queues files to read; one worker per core (plus one)
/// reads, hashsplits and compresses; the calling thread builds trees and the new index in order.
/// Memory stays bounded by the queue length and the directories open on the current path.
/// Use: <see cref="Run"/>, then close the object writer, then <see cref="CommitIndex"/>.
/// </remarks>
public sealed class SaveEngine : IDisposable
{
    private const int StepsAhead = 4096;

    // Twice the cores: with a cold cache, small files are read at the disk's latency, so more reads
    // in flight help; with a warm one the extra workers only queue for the CPU.
    private static readonly int DefaultWorkers = Math.Max(2, Environment.ProcessorCount * 2);
    private readonly ConcurrentObjectWriter _writer;
    private readonly SaveOptions _options;
    private readonly string _indexPath;
    private IndexWriter? _pendingIndex;
    private bool _indexChanged;
    private IReadOnlyDictionary<(ulong Device, ulong Inode), byte[]> _links = new Dictionary<(ulong, ulong), byte[]>();

    /// <summary>A save into <paramref name="writer"/> using the index file at <paramref name="indexPath"/>.</summary>
    public SaveEngine(ObjectWriter writer, string indexPath, SaveOptions options)
    {
        _writer = new ConcurrentObjectWriter(writer);
        _indexPath = indexPath;
        _options = options;
    }

    /// <summary>Saves the sources; returns the root tree (not yet committed) and statistics.</summary>
    public SaveResult Run()
    {
        try
        {
            return RunOnce();
        }
        catch (Exception e) when (IndexDamage(e) is { } damage)
        {
            Warn($"{_indexPath} is damaged ({damage.Message}); indexing again");
            _pendingIndex?.Dispose();
            _pendingIndex = null;
            IndexFile.Clear(_indexPath);
            return RunOnce();
        }
    }

    private static CorruptObjectException? IndexDamage(Exception e) => e switch
    {
        CorruptObjectException c when c.Where.Contains(IndexFile.FileName, StringComparison.Ordinal) => c,
        AggregateException a => a.InnerExceptions.Select(IndexDamage).FirstOrDefault(x => x is not null),
        _ => null,
    };

    private SaveResult RunOnce()
    {
        var stats = new SaveStatistics();
        var sources = ResolveSources(stats);
        using var reader = IndexReader.TryOpen(_indexPath) ?? throw new InvalidOperationException("the index vanished");
        _links = reader.ReadLinks();
        var layout = new ArchiveLayout(_options, sources);
        var producer = new SaveProducer(reader, sources, layout, _writer, _options.Smaller);
        if (_options.OnStart is { } onStart)
        {
            var (bytes, files) = producer.Measure();
            stats.BytesToRead = bytes;
            onStart(bytes, files);
        }

        _pendingIndex = new IndexWriter(_indexPath);
        var consumer = new SaveConsumer(reader, _pendingIndex, layout, _writer, _links, _options, stats);
        var tree = Pipeline(producer, consumer, stats);
        _indexChanged = consumer.IndexChanged;
        return new SaveResult(tree, stats);
    }

    private ObjectId Pipeline(SaveProducer producer, SaveConsumer consumer, SaveStatistics stats)
    {
        var steps = Channel.CreateBounded<SaveEvent>(new BoundedChannelOptions(StepsAhead) { SingleReader = true, SingleWriter = true });
        using var cancel = new CancellationTokenSource();
        using var largeFiles = new LargeFileThread();
        using var workers = new SaveWorkers(_options.Workers > 0 ? _options.Workers : DefaultWorkers);
        var saver = new FileSaver(_writer, _links, stats, _options.OnProgress, largeFiles);
        var reading = Task.Factory.StartNew(() => producer.Run(steps.Writer, workers, saver, cancel.Token), TaskCreationOptions.LongRunning);
        try
        {
            var tree = consumer.Run(steps.Reader);
            reading.GetAwaiter().GetResult();
            return tree;
        }
        catch
        {
            cancel.Cancel();
            workers.Cancel();
            reading.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
            throw;
        }
    }

    /// <summary>
    /// The sources as index paths, sorted, nested ones dropped. A source is looked up as given
    /// (made absolute, for index grafts), then resolved on disk; what the index lacks is indexed now,
    /// or with <see cref="SaveOptions.RequireIndex"/> is an error, as in bup. A source whose files are
    /// gone from the disk is left out with a warning (bup's reduce_paths), never saved from the index.
    /// </summary>
    private List<byte[]> ResolveSources(SaveStatistics stats)
    {
        var found = new List<byte[]>();
        var missing = new List<byte[]>();
        using (var reader = OpenIndex())
        {
            if (reader is null && _options.RequireIndex)
            {
                throw new SaveSourceException($"cannot access '{_indexPath}'; have you run bupfs index?");
            }

            foreach (var source in _options.Sources)
            {
                // A synthetic record (a graft's parent) has no real path to check.
                if (Lookup(reader, source) is not { } record)
                {
                    AddUnindexed(source, missing, stats);
                }
                else if (record.RealPath.Length == 0 || OnDisk(record.RealPath, stats))
                {
                    found.Add(record.Path);
                }
            }
        }

        if (missing.Count > 0)
        {
            found.AddRange(IndexMissing(missing, stats));
        }

        return found.Count > 0 || _options.Sources.Count == 0 ? Reduce(found) : throw new SaveSourceException("nothing to save: none of the paths given exists");
    }

    /// <summary>A source the index does not hold: indexed later, an error, or (gone from the disk too) a warning.</summary>
    private void AddUnindexed(byte[] source, List<byte[]> missing, SaveStatistics stats)
    {
        byte[] resolved;
        try
        {
            resolved = PathNames.ResolveParent(source);
        }
        catch (PosixException e)
        {
            ReportVanished(e, stats);
            return;
        }

        if (!OnDisk(resolved, stats))
        {
            return;
        }

        if (_options.RequireIndex)
        {
            throw new SaveSourceException($"cannot find '{NameText.Display(resolved)}' in '{_indexPath}'; have you run bupfs index?");
        }

        missing.Add(source);
    }

    private bool OnDisk(byte[] realPath, SaveStatistics stats)
    {
        try
        {
            PosixFiles.LStat(PathNames.ForSystem(realPath));
            return true;
        }
        catch (PosixException e)
        {
            ReportVanished(e, stats);
            return false;
        }
    }

    private void ReportVanished(PosixException e, SaveStatistics stats)
    {
        stats.Warnings++;
        Warn($"reduce_paths: {e.Message}");
    }

    private IndexReader? OpenIndex()
    {
        try
        {
            return IndexReader.TryOpen(_indexPath);
        }
        catch (CorruptObjectException e)
        {
            Warn($"{_indexPath} is damaged ({e.Message}); indexing again");
            IndexFile.Clear(_indexPath);
            return null;
        }
    }

    private static IndexRecord? Lookup(IndexReader? reader, byte[] source)
    {
        if (reader is null)
        {
            return null;
        }

        var absolute = PathNames.Normalize(source, PathNames.CurrentDirectory());
        foreach (var candidate in Candidates(absolute, source))
        {
            if (IndexSearch.Find(reader, candidate) is { } record)
            {
                return record;
            }
        }

        return null;
    }

    private static IEnumerable<byte[]> Candidates(byte[] absolute, byte[] source)
    {
        yield return PathNames.AsDirectory(absolute);
        yield return absolute;
        byte[] resolved;
        try
        {
            resolved = PathNames.ResolveParent(source);
        }
        catch (PosixException)
        {
            yield break;
        }

        yield return PathNames.AsDirectory(resolved);
        yield return resolved;
    }

    private List<byte[]> IndexMissing(List<byte[]> missing, SaveStatistics stats)
    {
        var indexOptions = _options.IndexOptions with { OnWarning = _options.OnWarning ?? _options.IndexOptions.OnWarning };
        var indexStats = new IndexUpdater(_indexPath, indexOptions).Update(missing);
        stats.Warnings += indexStats.Warnings;
        using var reader = IndexReader.TryOpen(_indexPath);
        var result = new List<byte[]>();
        foreach (var source in missing)
        {
            result.Add(Lookup(reader, source)?.Path ?? throw new PosixException("index", source, 2));
        }

        return result;
    }

    private static List<byte[]> Reduce(List<byte[]> paths)
    {
        paths.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        var result = new List<byte[]>();
        foreach (var p in paths)
        {
            if (result.Count == 0 || !PathNames.IsWithin(p, result[^1]))
            {
                result.Add(p);
            }
        }

        return result;
    }

    /// <summary>
    /// Replaces the index with the one this save produced (every file read now valid with its new
    /// object). Call after the object writer is closed, so the index never vouches for objects
    /// that are not durable.
    /// </summary>
    public void CommitIndex()
    {
        if (_indexChanged)
        {
            _pendingIndex?.Commit(_links);
        }

        _pendingIndex?.Dispose();
        _pendingIndex = null;
    }

    private void Warn(string message) => _options.OnWarning?.Invoke(message);

    /// <summary>Drops an uncommitted index.</summary>
    public void Dispose() => _pendingIndex?.Dispose();
}
