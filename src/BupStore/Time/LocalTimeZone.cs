namespace BupStore.Time;

/// <summary>
/// The local time zone as the C library (and so bup) reads <c>TZ</c>: unset is the system zone, a
/// zone name or file (optionally after ':') is that zone, anything else is a POSIX TZ string
/// (<see cref="PosixTimeZone"/>), and one that does not parse, or an empty one, is UTC.
/// </summary>
public static class LocalTimeZone
{
    private static readonly Lazy<TimeZoneInfo> s_current = new(() => FromTz(Environment.GetEnvironmentVariable("TZ")));

    /// <summary>The zone this process's <c>TZ</c> names.</summary>
    public static TimeZoneInfo Current => s_current.Value;

    /// <summary>The zone <paramref name="tz"/> (a <c>TZ</c> value, or null when unset) names.</summary>
    public static TimeZoneInfo FromTz(string? tz)
    {
        if (tz is null)
        {
            return TimeZoneInfo.Local;
        }

        var name = tz.StartsWith(':') ? tz[1..] : tz;
        if (name.Length == 0)
        {
            return TimeZoneInfo.Utc;
        }

        if (IsZoneFile(name))
        {
            // .NET reads the process's TZ itself when it names a zone file.
            return tz == Environment.GetEnvironmentVariable("TZ") ? TimeZoneInfo.Local : FindZone(name);
        }

        try
        {
            return PosixTimeZone.Parse(name)?.ToTimeZoneInfo() ?? TimeZoneInfo.Utc;
        }
        catch (ArgumentException)
        {
            return TimeZoneInfo.Utc; // an offset beyond the ±14 hours .NET allows
        }
    }

    private static TimeZoneInfo FindZone(string name)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    private static bool IsZoneFile(string name)
    {
        var dir = Environment.GetEnvironmentVariable("TZDIR") is { Length: > 0 } d ? d : "/usr/share/zoneinfo";
        return Path.IsPathRooted(name) ? File.Exists(name) : !name.Contains("..", StringComparison.Ordinal) && File.Exists(Path.Combine(dir, name));
    }
}
