using System.Collections.Concurrent;

namespace BupBackup.Save;

/// <summary>
/// One thread that splits large files, one at a time, for whichever worker asks. A put of 8 MiB
/// needs a 16 MiB array from the shared pool, and the pool keeps one such array per thread that
/// returned one: splitting on a single thread keeps that to one array for the whole save instead
/// of one per worker. One large file at a time still keeps every core busy (its chunks are hashed
/// and compressed in parallel).
/// </summary>
/// <remarks>Thread-safe: any thread may call <see cref="Run{T}"/>; <see cref="Dispose"/> stops the thread.</remarks>
internal sealed class LargeFileThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    public LargeFileThread()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "bupfs large-file splitter" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread and returns its result (or rethrows its exception).</summary>
    public T Run<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        using var done = new ManualResetEventSlim(false, 1);
        _work.Add(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }

        return result;
    }

    private void Loop()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }
}
