// Diagnostics of one mount: the --debug request trace and the one-time report of unexpected
// failures. Thread-safe; never throws (it is called from native callbacks).
using System.Collections.Concurrent;
using System.Text;

namespace BupFs.Linux;

/// <summary>Writes request traces and unexpected errors to the mount's log sink.</summary>
internal sealed class RequestLog
{
    private const int MaxRemembered = 1024;

    private readonly Action<string> _sink;
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);

    public RequestLog(Action<string>? sink, bool trace)
    {
        _sink = sink ?? (line => Console.Error.WriteLine(line));
        TraceEnabled = trace;
    }

    /// <summary>True when every request is traced (check it before building trace text).</summary>
    public bool TraceEnabled { get; }

    /// <summary>Writes a line, swallowing whatever the sink throws.</summary>
    public void Write(string line)
    {
        try
        {
            _sink(line);
        }
        catch (Exception)
        {
            // A broken log sink must not take a FUSE worker thread down with it.
        }
    }

    /// <summary>Traces one finished request.</summary>
    public void Trace(string operation, ulong node, int errno, ReadOnlySpan<byte> name = default, long offset = -1, long size = -1)
    {
        var line = new StringBuilder(64).Append("fuse: ").Append(operation).Append(' ').Append(node);
        if (!name.IsEmpty)
        {
            line.Append(" \"").Append(Encoding.UTF8.GetString(name)).Append('"');
        }

        if (offset >= 0)
        {
            line.Append(" off=").Append(offset);
        }

        if (size >= 0)
        {
            line.Append(" size=").Append(size);
        }

        Write(line.Append(" -> ").Append(ErrnoMap.Name(errno)).ToString());
    }

    /// <summary>
    /// Reports a failure that is not an ordinary answer (anything but an FsException, or an
    /// FsException of kind Io). Each distinct message is written once, so a corrupt object read
    /// in a loop does not flood the log.
    /// </summary>
    public void Unexpected(string operation, ulong node, Exception exception)
    {
        string key = exception.GetType().Name + ": " + exception.Message;
        if (_reported.Count >= MaxRemembered || !_reported.TryAdd(key, 0))
        {
            return;
        }

        string cause = exception.InnerException is { } inner ? $" (caused by {inner.GetType().Name}: {inner.Message})" : "";
        Write($"bupfs: {operation} on node {node} failed with EIO: {key}{cause}");
    }

    /// <summary>Whether an exception is worth an <see cref="Unexpected"/> report.</summary>
    public static bool IsUnexpected(Exception exception) =>
        exception is not FsException fs || fs.Error == FsError.Io;
}
