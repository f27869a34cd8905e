using System.Text;
using BupStore.Repository;

namespace BupFs.Repo;

/// <summary>
/// The refs as the root and branch folders see them: re-read when older than the refresh interval
/// (a few directory reads), so new saves and branches appear without a remount. When anything
/// changed, the object store rescans its packs so the new commits are found at once.
/// </summary>
/// <remarks>Thread-safe: a fresh snapshot is returned without locking; one thread re-reads a stale one while the others wait for it.</remarks>
internal sealed class RefsView
{
    private readonly object _lock = new();
    private readonly Repository _repository;
    private readonly long _intervalMs;
    private readonly Action<string> _warn;

    // Refs are re-read every interval; a broken ref is reported once, not on every listing.
    private readonly HashSet<string> _reported = [];
    private volatile RefSnapshot? _snapshot;

    public RefsView(Repository repository, TimeSpan interval, Action<string> warn)
    {
        _repository = repository;
        _intervalMs = (long)Math.Max(0, interval.TotalMilliseconds);
        _warn = warn;
    }

    /// <summary>The current snapshot, re-read first if it is older than the interval.</summary>
    /// <exception cref="RepositoryException">The refs cannot be read and no earlier snapshot exists.</exception>
    public RefSnapshot Current
    {
        get
        {
            var snapshot = _snapshot;
            if (snapshot is not null && Environment.TickCount64 - snapshot.ReadAt < _intervalMs)
            {
                return snapshot;
            }

            lock (_lock)
            {
                snapshot = _snapshot;
                if (snapshot is null || Environment.TickCount64 - snapshot.ReadAt >= _intervalMs)
                {
                    snapshot = Read(snapshot);
                    _snapshot = snapshot;
                }

                return snapshot;
            }
        }
    }

    private RefSnapshot Read(RefSnapshot? previous)
    {
        var now = Environment.TickCount64;
        RefSnapshot next;
        try
        {
            next = new RefSnapshot(List("refs/heads/"), List("refs/tags/"), now);
        }
        catch (Exception e) when (previous is not null && FsErrors.IsRepositoryFailure(e))
        {
            _warn($"reading refs failed, showing the previous ones: {e.Message}");
            return previous.Renewed(now);
        }

        if (previous is not null && !previous.SameAs(next))
        {
            _repository.Objects.Refresh();
        }

        return next;
    }

    private List<RefEntry> List(string prefix)
    {
        var result = new List<RefEntry>();
        foreach (var (name, id) in _repository.Refs.List(prefix, WarnOnce))
        {
            result.Add(new RefEntry(Encoding.UTF8.GetBytes(name[prefix.Length..]), id));
        }

        result.Sort(static (a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        return result;
    }

    private void WarnOnce(string message)
    {
        if (_reported.Add(message))
        {
            _warn($"ref skipped: {message}");
        }
    }
}
