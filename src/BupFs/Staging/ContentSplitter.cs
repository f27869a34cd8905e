// Hashsplitting after close: when the last handle of a written file closes, its spool file is
// queued and split into the repository by one background thread, so a commit finds the content
// stored already and only writes trees. Results count only once their pack is published (a
// reader never sees half a pack, and a crash before that loses nothing: the spool file still
// holds the content, and the commit splits it itself). Packs are published when the queue has
// been idle for a moment or enough was written, not per file, so a `tar -x` of ten thousand
// small files gives few packs.
//
// Concurrency: Enqueue and Flush may be called from any thread; the worker calls the publish
// callback (which takes the file system's lock) without holding anything of its own, and Flush
// must not be called with that lock held.
using System.Collections.Concurrent;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupFs.Staging;

/// <summary>The background splitter of one staging tree.</summary>
internal sealed class ContentSplitter : IDisposable
{
    private const long PublishBytes = 256L << 20;
    private const ulong FlushMarker = 0; // no node has inode 0
    private const long SmallFileBytes = 1 << 20;
    private static readonly TimeSpan IdleBeforePublish = TimeSpan.FromMilliseconds(500);

    private readonly Repository _repository;
    private readonly Func<ulong, string> _spoolPath;
    private readonly Action<IReadOnlyList<SplitContent>> _publish;
    private readonly Action<string> _warn;
    private readonly BlockingCollection<(ulong Inode, long Generation)> _queue = [];
    private readonly List<SplitContent> _pending = [];
    private readonly Thread _thread;
    private readonly object _idleGate = new(); // an object, not a Lock: Flush waits on it with Monitor.Wait
    private ObjectWriter? _objects;
    private ConcurrentObjectWriter? _writer;
    private int _busy;
    private long _pendingBytes;

    public ContentSplitter(Repository repository, Func<ulong, string> spoolPath, Action<IReadOnlyList<SplitContent>> publish, Action<string> warn)
    {
        _repository = repository;
        _spoolPath = spoolPath;
        _publish = publish;
        _warn = warn;
        _thread = new Thread(Run) { IsBackground = true, Name = "bupfs staging splitter" };
        _thread.Start();
    }

    /// <summary>Queues the spool file of <paramref name="inode"/>, as it was at content generation <paramref name="generation"/>.</summary>
    public void Enqueue(ulong inode, long generation)
    {
        lock (_idleGate)
        {
            if (_queue.IsAddingCompleted)
            {
                return; // shutting down: the commit splits what is left
            }

            _busy++;
            _queue.Add((inode, generation));
        }
    }

    /// <summary>Waits until everything queued so far is split and published. Must not be called under the file system's lock.</summary>
    public void Flush()
    {
        Enqueue(FlushMarker, 0); // wakes the worker, which then publishes without waiting to be idle
        lock (_idleGate)
        {
            while (_busy > 0)
            {
                Monitor.Wait(_idleGate);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_idleGate)
        {
            _queue.CompleteAdding();
        }

        _thread.Join();
        _queue.Dispose();
        _objects?.Dispose(); // unpublished objects are dropped: their spool files still hold the content
    }

    private void Run()
    {
        while (!_queue.IsCompleted)
        {
            if (!_queue.TryTake(out var item, IdleBeforePublish))
            {
                Publish(); // idle: what was split becomes durable now
                continue;
            }

            if (item.Inode == FlushMarker)
            {
                Publish();
                Done(1);
                continue;
            }

            Split(item.Inode, item.Generation);
            if (PendingBytes() >= PublishBytes)
            {
                Publish();
            }
        }

        Publish();
    }

    private void Split(ulong inode, long generation)
    {
        try
        {
            _writer ??= new ConcurrentObjectWriter(_objects = _repository.CreateWriter(new WriterOptions { CompressionLevel = 1 }));
            using var stream = new FileStream(_spoolPath(inode), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            var (mode, id) = stream.Length is > 0 and <= SmallFileBytes ? SplitSmall(stream) : BlobSplitter.Split(_writer, stream);
            _pending.Add(new SplitContent(inode, generation, mode, id, stream.Length));
            _pendingBytes += stream.Length;
        }
        catch (FileNotFoundException)
        {
            Done(1); // deleted or committed meanwhile
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            // The pack being written may hold half an object (a full disk): drop it with every
            // result waiting in it; those files stay unsplit and the commit splits them itself.
            _warn($"staging: background split of node {inode} failed ({e.Message}); the commit will split it");
            _objects?.Dispose();
            _objects = null;
            _writer = null;
            Done(1 + _pending.Count);
            _pending.Clear();
            _pendingBytes = 0;
        }
    }

    private void Publish()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var done = _pending.ToList();
        _pending.Clear();
        _pendingBytes = 0;
        try
        {
            _writer!.Close();
            _publish(done);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StagingException or Microsoft.Data.Sqlite.SqliteException)
        {
            _warn($"staging: storing split content failed ({e.Message}); the commit will split it");
        }
        finally
        {
            _objects?.Dispose();
            _objects = null;
            _writer = null;
            Done(done.Count);
        }
    }

    private static bool IsStorageFailure(Exception e) => e switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.All(IsStorageFailure),
        _ => e is IOException or UnauthorizedAccessException or InvalidDataException,
    };

    private long PendingBytes() => _pendingBytes;

    // A file within one put is split from memory on this thread: the same single put as the
    // stream path, without its hand-off to the thread pool (which cost more than the split for
    // the small files of a tar -x).
    private (GitFileMode Mode, ObjectId Id) SplitSmall(FileStream stream)
    {
        var content = new byte[stream.Length];
        stream.ReadExactly(content);
        return BlobSplitter.Split(_writer!, content);
    }

    private void Done(int count)
    {
        lock (_idleGate)
        {
            _busy -= count;
            Monitor.PulseAll(_idleGate);
        }
    }
}
