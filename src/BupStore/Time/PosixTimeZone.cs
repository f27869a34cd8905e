namespace BupStore.Time;

/// <summary>
/// A POSIX TZ string (<c>std offset [dst [offset] [,start[/time],end[/time]]]</c>, e.g.
/// <c>ACDT-10:30</c> or <c>NZST-12NZDT,M9.5.0,M4.1.0/3</c>) evaluated as the C library evaluates it:
/// bup takes commit offsets and save names from Python's time.localtime, that is from glibc, while
/// .NET only knows zone files. Offsets in the string are hours west of UTC; those kept here are
/// seconds east, as tm_gmtoff.
/// </summary>
public sealed class PosixTimeZone
{
    private readonly PosixTzRule? _start;
    private readonly PosixTzRule? _end;
    private readonly bool _defaultRules;

    private PosixTimeZone(string text, int standardOffset, int daylightOffset, PosixTzRule? start, PosixTzRule? end, bool defaultRules = false)
    {
        Text = text;
        StandardOffset = standardOffset;
        DaylightOffset = daylightOffset;
        _start = start;
        _end = end;
        _defaultRules = defaultRules;
    }

    /// <summary>The TZ string.</summary>
    public string Text { get; }

    /// <summary>Standard time's offset from UTC, seconds east.</summary>
    public int StandardOffset { get; }

    /// <summary>Daylight time's offset from UTC, seconds east (the standard one when there is no daylight time).</summary>
    public int DaylightOffset { get; }

    /// <summary>True when the string names a daylight time.</summary>
    public bool HasDaylightTime => _start is not null || _defaultRules;

    /// <summary>Parses <paramref name="text"/>; null when it is not a POSIX TZ string glibc would accept.</summary>
    public static PosixTimeZone? Parse(string text)
    {
        var p = new PosixTzParser(text);
        if (!p.Name() || p.Offset(24) is not { } std)
        {
            return null;
        }

        if (p.AtEnd || !p.Name())
        {
            // glibc keeps the standard time when what follows is not a daylight name.
            return new PosixTimeZone(text, -std, -std, null, null);
        }

        var dst = p.Offset(24) ?? std - 3600;
        if (p.AtEnd || p.Rest == ",")
        {
            return new PosixTimeZone(text, -std, -dst, null, null, defaultRules: true);
        }

        // Rules glibc cannot read leave the standard time alone in force.
        return p.Rules() is var (start, end) && p.AtEnd ? new PosixTimeZone(text, -std, -dst, start, end) : new PosixTimeZone(text, -std, -std, null, null);
    }

    /// <summary>The offset from UTC at <paramref name="unixSeconds"/>, seconds east (glibc's __tz_compute).</summary>
    public int UtcOffsetAt(long unixSeconds) => IsDaylightAt(unixSeconds) ? DaylightOffset : StandardOffset;

    private bool IsDaylightAt(long t)
    {
        // glibc takes the year of the UTC time, the start in standard and the end in daylight time.
        var year = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(t, -62135596800L + 86400, 253402300799L - 86400)).Year;
        if (RulesFor(year) is not var (startRule, endRule))
        {
            return false;
        }

        var start = startRule.LocalSeconds(year) - StandardOffset;
        var end = endRule.LocalSeconds(year) - DaylightOffset;
        return start > end ? t < end || t >= start : t >= start && t < end;
    }

    /// <summary>
    /// The transition rules of <paramref name="year"/>. A DST name without rules takes glibc's
    /// posixrules, which Debian links to America/New_York: the US rules of each era since 1976, at
    /// 02:00 local. (glibc shifts New York's transition instants by the zone's offsets, which can
    /// land hours away from 02:00 local; only the transition days themselves differ.)
    /// </summary>
    private (PosixTzRule Start, PosixTzRule End)? RulesFor(int year)
    {
        if (!_defaultRules)
        {
            return _start is null || _end is null ? null : (_start, _end);
        }

        var (month, week) = year >= 2007 ? (3, 2) : year >= 1987 ? (4, 1) : (4, 5);
        var endRule = year >= 2007 ? new PosixTzRule(PosixTzRuleKind.MonthWeekDay, 11, 1, 0, 7200) : new PosixTzRule(PosixTzRuleKind.MonthWeekDay, 10, 5, 0, 7200);
        return (new PosixTzRule(PosixTzRuleKind.MonthWeekDay, month, week, 0, 7200), endRule);
    }

    /// <summary>
    /// The zone as a <see cref="TimeZoneInfo"/>, for code that takes one: a rule per year from 1900
    /// to 2199 with that year's transitions as fixed dates. Offsets are whole minutes (seconds are
    /// dropped, as bup's commit offset drops them).
    /// </summary>
    public TimeZoneInfo ToTimeZoneInfo()
    {
        var standard = TimeSpan.FromMinutes(StandardOffset / 60);
        if (!HasDaylightTime)
        {
            return TimeZoneInfo.CreateCustomTimeZone(Text, standard, Text, Text);
        }

        var delta = TimeSpan.FromMinutes((DaylightOffset - StandardOffset) / 60);
        var rules = new List<TimeZoneInfo.AdjustmentRule>();
        for (var year = _defaultRules ? 1976 : 1900; year < 2200; year++)
        {
            if (YearRule(year, delta) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return TimeZoneInfo.CreateCustomTimeZone(Text, standard, Text, Text, Text, [.. rules]);
    }

    private TimeZoneInfo.AdjustmentRule? YearRule(int year, TimeSpan delta)
    {
        var (startRule, endRule) = RulesFor(year)!.Value;
        var start = DateTime.UnixEpoch.AddSeconds(startRule.LocalSeconds(year));
        var end = DateTime.UnixEpoch.AddSeconds(endRule.LocalSeconds(year));
        if (start.Year != year || end.Year != year || delta == TimeSpan.Zero)
        {
            return null; // a transition pushed into another year by its time: too rare to model
        }

        try
        {
            return TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(new DateTime(year, 1, 1), new DateTime(year, 12, 31), delta, Fixed(start), Fixed(end));
        }
        catch (ArgumentException)
        {
            return null; // both transitions at the same moment
        }
    }

    private static TimeZoneInfo.TransitionTime Fixed(DateTime local) =>
        TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1).Add(local.TimeOfDay), local.Month, local.Day);
}
