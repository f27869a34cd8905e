namespace BupStore.Time;

/// <summary>How a POSIX TZ rule names its day.</summary>
internal enum PosixTzRuleKind
{
    /// <summary><c>Jn</c>: 1..365, February 29 never counted.</summary>
    Julian,

    /// <summary><c>n</c>: 0..365, February 29 counted in leap years.</summary>
    ZeroBased,

    /// <summary><c>Mm.w.d</c>.</summary>
    MonthWeekDay,
}
