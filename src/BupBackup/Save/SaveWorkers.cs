using System.Threading.Channels;

namespace BupBackup.Save;

/// <summary>
/// A fixed set of threads running <see cref="SaveJob"/>s in the order they were queued. Reading a
/// file blocks on the disk, so these are dedicated threads, not thread-pool work.
/// </summary>
/// <remarks>Thread-safe: any thread may <see cref="Queue"/>; <see cref="Dispose"/> stops the threads after the queue drains.</remarks>
internal sealed class SaveWorkers : IDisposable
{
    private readonly Channel<SaveJob> _jobs = Channel.CreateUnbounded<SaveJob>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly List<Thread> _threads = [];
    private volatile bool _cancelled;

    /// <summary>Starts <paramref name="count"/> threads.</summary>
    public SaveWorkers(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"bupfs save worker {i}" };
            thread.Start();
            _threads.Add(thread);
        }
    }

    /// <summary>Queues a job.</summary>
    public void Queue(SaveJob job)
    {
        if (!_jobs.Writer.TryWrite(job))
        {
            throw new InvalidOperationException("the save workers were stopped");
        }
    }

    private void Loop()
    {
        var reader = _jobs.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var job))
            {
                if (_cancelled)
                {
                    job.Cancel();
                }
                else
                {
                    job.Run();
                }
            }
        }
    }

    /// <summary>Makes the threads skip every job not yet started.</summary>
    public void Cancel() => _cancelled = true;

    /// <inheritdoc/>
    public void Dispose()
    {
        _jobs.Writer.TryComplete();
        foreach (var thread in _threads)
        {
            thread.Join();
        }
    }
}
