using BupStore.Objects;

namespace BupBackup.Restore;

/// <summary>The counters and outputs of one restore. Thread-safe.</summary>
internal sealed class RestoreReport
{
    private readonly RestoreOptions _options;
    private readonly object _outputLock = new();
    private long _restored;
    private int _errors;

    public RestoreReport(RestoreOptions options) => _options = options;

    /// <summary>Entries restored so far.</summary>
    public long Restored => Interlocked.Read(ref _restored);

    /// <summary>Errors so far.</summary>
    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Counts one restored entry.</summary>
    public void Count()
    {
        var n = Interlocked.Increment(ref _restored);
        _options.Progress?.Invoke(n);
    }

    /// <summary>Reports an error (the restore goes on; the exit status will say it failed).</summary>
    public void Error(string message)
    {
        Interlocked.Increment(ref _errors);
        lock (_outputLock)
        {
            _options.Error?.Invoke(message);
        }
    }

    /// <summary>Reports an error about <paramref name="relativePath"/>.</summary>
    public void Error(ReadOnlySpan<byte> relativePath, string message) =>
        Error($"{NameText.Display(relativePath)}: {message}");

    /// <summary>Reports a problem that is not an error.</summary>
    public void Warning(string message)
    {
        lock (_outputLock)
        {
            _options.Warning?.Invoke(message);
        }
    }

    /// <summary>Writes one -v line: '/', the path, a suffix, newline.</summary>
    /// <exception cref="RestoreAbortedException">The listing cannot be written.</exception>
    public void List(int level, ReadOnlySpan<byte> relativePath, ReadOnlySpan<byte> suffix)
    {
        if (_options.Verbosity < level || _options.Listing is not { } listing)
        {
            return;
        }

        lock (_outputLock)
        {
            try
            {
                listing.WriteByte((byte)'/');
                listing.Write(relativePath);
                listing.Write(suffix);
                listing.WriteByte((byte)'\n');
            }
            catch (IOException e)
            {
                // The reader of the listing went away: that ends the restore, as a broken pipe ends bup's.
                throw new RestoreAbortedException($"writing the listing failed: {e.Message}", e);
            }
        }
    }
}
