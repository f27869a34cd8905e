using System.Runtime.ExceptionServices;

namespace BupBackup.Index;

/// <summary>
/// Scans directories ahead of an index walk on a few threads of its own. A cold walk spends its
/// time waiting for the disk (directory blocks, inode tables), one read at a time; several scans
/// in flight keep several reads queued. Threads, not the thread pool: they block on I/O, and the
/// pool would add threads only slowly.
/// </summary>
/// <remarks>
/// Requests are served last-in first-out: the walk requests a directory's subdirectories when it
/// enters it, and goes on with the first of them, so the newest requests are the ones it needs
/// soonest. At most <see cref="MaxAhead"/> scans are running or waiting to be taken, which bounds
/// memory on huge trees. <see cref="Take"/> scans a directory on the calling thread when no worker
/// has started it, so the walk never waits for a queue. Only the walk's thread may call
/// <see cref="Request"/> and <see cref="Take"/>.
/// </remarks>
internal sealed class DirectoryPrefetcher : IDisposable
{
    /// <summary>Scans running or finished but not yet taken, at most.</summary>
    internal const int MaxAhead = 64;

    private readonly Func<byte[], DirectoryScan> _scan;
    private readonly int _threadCount;
    private readonly object _lock = new();
    private readonly Stack<Job> _pending = new();
    private readonly List<Thread> _threads = [];
    private int _ahead;
    private bool _stopping;

    /// <summary>A prefetcher running <paramref name="scan"/> on up to <paramref name="threads"/> threads.</summary>
    public DirectoryPrefetcher(Func<byte[], DirectoryScan> scan, int threads)
    {
        _scan = scan;
        _threadCount = threads;
    }

    /// <summary>Queues a scan of <paramref name="dir"/>; the handle is later given to <see cref="Take"/>.</summary>
    public Job Request(byte[] dir)
    {
        var job = new Job(dir);
        if (_threadCount == 0)
        {
            return job;
        }

        lock (_lock)
        {
            _pending.Push(job);
            StartThreads();
            Monitor.Pulse(_lock);
        }

        return job;
    }

    /// <summary>The scan of <paramref name="job"/>'s directory, waiting for it or doing it here.</summary>
    public DirectoryScan Take(Job job)
    {
        var mine = false;
        ManualResetEventSlim? finished = null;
        lock (_lock)
        {
            if (job.State == JobState.Pending)
            {
                job.State = JobState.Taken; // a worker popping it later skips it
                mine = true;
            }
            else if (job.State == JobState.Running)
            {
                finished = job.Finished = new ManualResetEventSlim();
            }
        }

        return mine ? _scan(job.Directory) : Collect(job, finished);
    }

    /// <summary>Waits for a job a worker took, then accounts for it.</summary>
    private DirectoryScan Collect(Job job, ManualResetEventSlim? finished)
    {
        // Only the walk waits on this event: a finished scan wakes nobody else.
        finished?.Wait();
        lock (_lock)
        {
            finished?.Dispose(); // the worker set it while holding the lock, so it is done with it
            job.State = JobState.Taken;
            if (_ahead-- == MaxAhead)
            {
                Monitor.Pulse(_lock); // a worker may have stopped at the limit
            }
        }

        job.Failure?.Throw();
        return job.Result!;
    }

    private void StartThreads()
    {
        if (_threads.Count > 0)
        {
            return;
        }

        for (var i = 0; i < _threadCount; i++)
        {
            var thread = new Thread(Work) { IsBackground = true, Name = "index scan" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    private void Work()
    {
        while (NextJob() is { } job)
        {
            try
            {
                job.Result = _scan(job.Directory);
            }
            catch (Exception e)
            {
                // A bug, not a filesystem problem (those are warnings in the scan): the walk rethrows it.
                job.Failure = ExceptionDispatchInfo.Capture(e);
            }

            lock (_lock)
            {
                job.State = JobState.Done;
                job.Finished?.Set();
            }
        }
    }

    private Job? NextJob()
    {
        lock (_lock)
        {
            while (true)
            {
                if (_stopping)
                {
                    return null;
                }

                if (_ahead < MaxAhead && _pending.TryPop(out var job))
                {
                    if (job.State != JobState.Pending)
                    {
                        continue;
                    }

                    job.State = JobState.Running;
                    _ahead++;
                    return job;
                }

                Monitor.Wait(_lock);
            }
        }
    }

    /// <summary>Stops the threads once their current scans end; nothing is scanned after this.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            _pending.Clear();
            Monitor.PulseAll(_lock);
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }
    }

    /// <summary>The states of a requested scan.</summary>
    internal enum JobState
    {
        Pending,
        Running,
        Done,
        Taken,
    }

    /// <summary>One requested scan.</summary>
    internal sealed class Job(byte[] directory)
    {
        public byte[] Directory { get; } = directory;

        public JobState State { get; set; }

        public DirectoryScan? Result { get; set; }

        public ExceptionDispatchInfo? Failure { get; set; }

        /// <summary>Set when the scan ends, created only when the walk has to wait for it.</summary>
        public ManualResetEventSlim? Finished { get; set; }
    }
}
