using System.Diagnostics;

namespace BupFs.Cli;

/// <summary>
/// A one-line progress display in bytes (percent when the total is known, MB/s, ETA) drawn on
/// stderr, only when stderr is a terminal and the user did not ask for quiet. At most ~10 redraws
/// per second, so it costs nothing measurable.
/// </summary>
public sealed class ProgressBar : IDisposable
{
    private readonly string _label;
    private readonly long _total;
    private readonly bool _enabled;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _done;
    private long _lastDraw = -1000;
    private string _current = string.Empty;

    /// <summary>Creates a bar; <paramref name="total"/> is -1 when unknown.</summary>
    public ProgressBar(string label, long total, bool quiet)
    {
        _label = label;
        _total = total;
        _enabled = !quiet && !Console.IsErrorRedirected;
    }

    /// <summary>Adds finished bytes.</summary>
    public void Add(long bytes, string? current = null)
    {
        Interlocked.Add(ref _done, bytes);
        if (current is not null)
        {
            _current = current;
        }

        var now = _clock.ElapsedMilliseconds;
        if (_enabled && now - Interlocked.Read(ref _lastDraw) >= 100)
        {
            Interlocked.Exchange(ref _lastDraw, now);
            Draw(false);
        }
    }

    private void Draw(bool final)
    {
        var done = Interlocked.Read(ref _done);
        var secs = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var rate = done / secs / 1e6;
        var text = _total > 0
            ? $"{_label}: {100.0 * done / _total,5:F1}% ({done / 1e6:F1}/{_total / 1e6:F1} MB), {rate:F1} MB/s{Eta(done, rate)}"
            : $"{_label}: {done / 1e6:F1} MB, {rate:F1} MB/s";
        if (!final && _current.Length > 0)
        {
            text += " " + _current;
        }

        var width = Math.Max(20, SafeWidth() - 1);
        text = text.Length > width ? text[..width] : text.PadRight(width);
        Console.Error.Write("\r" + text + (final ? "\n" : string.Empty));
    }

    private string Eta(long done, double rate)
    {
        if (rate <= 0 || done >= _total)
        {
            return string.Empty;
        }

        var eta = TimeSpan.FromSeconds((_total - done) / (rate * 1e6));
        return $", ETA {eta:hh\\:mm\\:ss}";
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    /// <summary>Draws the final state (when drawing at all).</summary>
    public void Dispose()
    {
        if (_enabled)
        {
            Draw(true);
        }
    }
}
