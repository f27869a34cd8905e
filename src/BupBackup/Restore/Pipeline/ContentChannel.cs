using System.Runtime.ExceptionServices;

namespace BupBackup.Restore.Pipeline;

/// <summary>
/// The content of one file passing from the reading stage to its writer: blocks in file order,
/// then either the end or the failure that cut the content short. A writer that gives up abandons
/// the channel: what is queued is released and the reader stops reading that file.
/// </summary>
/// <remarks>Thread-safe: one reader thread adds, one writer thread takes.</remarks>
internal sealed class ContentChannel
{
    private readonly Queue<ContentBlock> _blocks = new();
    private readonly ByteBudget _budget;
    private readonly BufferPool _pool;
    private ExceptionDispatchInfo? _failure;
    private bool _completed;
    private bool _abandoned;
    private bool _waiting;

    /// <summary>A channel whose blocks are counted in <paramref name="budget"/> and come from <paramref name="pool"/>.</summary>
    public ContentChannel(ByteBudget budget, BufferPool pool)
    {
        _budget = budget;
        _pool = pool;
    }

    /// <summary>True once the writer gave up on this file (the reader stops).</summary>
    public bool Abandoned
    {
        get
        {
            lock (_blocks)
            {
                return _abandoned;
            }
        }
    }

    /// <summary>
    /// Hands over <paramref name="block"/>, first waiting for budget; false (the block released)
    /// when the writer abandoned the file.
    /// </summary>
    public bool Add(ContentBlock block)
    {
        _budget.Acquire(block.Length);
        lock (_blocks)
        {
            if (!_abandoned)
            {
                _blocks.Enqueue(block);
                Wake();
                return true;
            }
        }

        Release(block);
        return false;
    }

    /// <summary>The content is complete.</summary>
    public void Complete() => Finish(null);

    /// <summary>The content ends with <paramref name="failure"/>, which the writer receives after the blocks before it.</summary>
    public void Fail(Exception failure) => Finish(ExceptionDispatchInfo.Capture(failure));

    /// <summary>
    /// The next block, waiting for it; false at the end. Every block taken must be given to
    /// <see cref="Release"/> once written.
    /// </summary>
    /// <exception cref="Exception">The failure the reader met, once the blocks before it are taken.</exception>
    public bool Take(out ContentBlock block)
    {
        lock (_blocks)
        {
            while (_blocks.Count == 0 && !_completed)
            {
                _waiting = true;
                Monitor.Wait(_blocks);
            }

            if (_blocks.TryDequeue(out block))
            {
                return true;
            }

            _failure?.Throw();
            return false;
        }
    }

    /// <summary>Gives a written block's budget (and pooled buffer) back.</summary>
    public void Release(ContentBlock block)
    {
        _budget.Release(block.Length);
        if (block.Pooled)
        {
            _pool.Return(block.Buffer);
        }
    }

    /// <summary>The writer stops taking: queued blocks are released, later ones refused.</summary>
    public void Abandon()
    {
        List<ContentBlock> queued;
        lock (_blocks)
        {
            _abandoned = true;
            queued = [.. _blocks];
            _blocks.Clear();
        }

        queued.ForEach(Release);
    }

    private void Finish(ExceptionDispatchInfo? failure)
    {
        lock (_blocks)
        {
            _failure = failure;
            _completed = true;
            Wake();
        }
    }

    private void Wake()
    {
        if (_waiting)
        {
            _waiting = false;
            Monitor.PulseAll(_blocks);
        }
    }
}
