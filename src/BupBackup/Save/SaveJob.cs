namespace BupBackup.Save;

/// <summary>
/// Work a reading thread does for one entry, awaited in archive order by the tree builder.
/// <see cref="Run"/> is called once on a worker; <see cref="Wait"/> returns after it finished and
/// rethrows what it threw unexpectedly (expected problems are results, not exceptions).
/// </summary>
internal abstract class SaveJob
{
    // Little spinning: on two cores a spinning waiter takes time from the worker it waits for.
    private readonly ManualResetEventSlim _done = new(false, 1);
    private Exception? _error;

    /// <summary>Does the work on the calling (worker) thread.</summary>
    public void Run()
    {
        try
        {
            Execute();
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _done.Set();
        }
    }

    /// <summary>Marks the job as never run (the save was abandoned).</summary>
    public void Cancel()
    {
        _error = new OperationCanceledException("save abandoned");
        _done.Set();
    }

    /// <summary>Blocks until <see cref="Run"/> finished.</summary>
    public void Wait()
    {
        _done.Wait();
        _done.Dispose();
        if (_error is not null)
        {
            throw new AggregateException(_error);
        }
    }

    /// <summary>The work itself.</summary>
    protected abstract void Execute();
}
