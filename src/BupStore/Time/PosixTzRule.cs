namespace BupStore.Time;

/// <summary>
/// One transition rule of a POSIX TZ string: <c>Jn</c> (day 1..365, February 29 never counted),
/// <c>n</c> (day 0..365, counting February 29) or <c>Mm.w.d</c> (day d of week w of month m, week
/// 5 meaning the last), plus the local time of day in seconds (default 02:00:00, may be negative
/// or beyond 24 hours).
/// </summary>
internal sealed record PosixTzRule(PosixTzRuleKind Kind, int Month, int Week, int Day, int Seconds)
{
    /// <summary>The local date and time of the transition in <paramref name="year"/>, in seconds since 1970-01-01 local.</summary>
    public long LocalSeconds(int year)
    {
        var jan1 = new DateOnly(year, 1, 1).DayNumber - new DateOnly(1970, 1, 1).DayNumber;
        return ((long)(jan1 + DayOfYear(year)) * 86400) + Seconds;
    }

    /// <summary>The zero-based day of the year the rule names.</summary>
    private int DayOfYear(int year) => Kind switch
    {
        PosixTzRuleKind.Julian => Day - 1 + (DateTime.IsLeapYear(year) && Day >= 60 ? 1 : 0),
        PosixTzRuleKind.ZeroBased => Day,
        _ => MonthWeekDay(year),
    };

    private int MonthWeekDay(int year)
    {
        var first = new DateOnly(year, Month, 1);
        var day = 1 + ((Day - (int)first.DayOfWeek + 7) % 7) + ((Week - 1) * 7);
        var length = DateTime.DaysInMonth(year, Month);
        while (day > length)
        {
            day -= 7;
        }

        return first.DayOfYear - 1 + day - 1;
    }
}
