namespace BupStore.Time;

/// <summary>A cursor over a POSIX TZ string, with glibc's syntax for names, offsets and rules.</summary>
internal sealed class PosixTzParser(string text)
{
    private int _at;

    public bool AtEnd => _at >= text.Length;

    public string Rest => text[_at..];

    /// <summary>A zone name: three or more letters, or &lt;...&gt; with letters, digits, '+' and '-'.</summary>
    public bool Name()
    {
        if (!AtEnd && text[_at] == '<')
        {
            var close = text.IndexOf('>', _at);
            var inner = close < 0 ? "" : text[(_at + 1)..close];
            if (inner.Length < 3 || !inner.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-'))
            {
                return false;
            }

            _at = close + 1;
            return true;
        }

        var start = _at;
        while (!AtEnd && char.IsAsciiLetter(text[_at]))
        {
            _at++;
        }

        if (_at - start >= 3)
        {
            return true;
        }

        _at = start;
        return false;
    }

    /// <summary>
    /// [+|-]hh[:mm[:ss]] in seconds; null (and nothing consumed) when absent. As glibc's
    /// compute_offset, each field is clamped (hours to <paramref name="maxHours"/>, minutes and
    /// seconds to 59), not refused.
    /// </summary>
    public int? Offset(int maxHours)
    {
        var start = _at;
        var sign = 1;
        if (!AtEnd && text[_at] is '+' or '-')
        {
            sign = text[_at] == '-' ? -1 : 1;
            _at++;
        }

        if (Number(maxHours, clamp: true) is not { } hours)
        {
            _at = start;
            return null;
        }

        var minutes = Colon() ? Number(59, clamp: true) ?? -1 : 0;
        var seconds = minutes >= 0 && Colon() ? Number(59, clamp: true) ?? -1 : 0;
        if (minutes < 0 || seconds < 0)
        {
            _at = start;
            return null;
        }

        return sign * ((hours * 3600) + (minutes * 60) + seconds);
    }

    /// <summary>",start[/time],end[/time]".</summary>
    public (PosixTzRule Start, PosixTzRule End)? Rules() =>
        Take(',') && Rule() is { } start && Take(',') && Rule() is { } end ? (start, end) : null;

    private PosixTzRule? Rule()
    {
        PosixTzRule? rule;
        if (Take('J'))
        {
            rule = Number(365) is { } n and >= 1 ? new PosixTzRule(PosixTzRuleKind.Julian, 0, 0, n, 7200) : null;
        }
        else if (Take('M'))
        {
            rule = Number(12) is { } m and >= 1 && Take('.') && Number(5) is { } w and >= 1 && Take('.') && Number(6) is { } d
                ? new PosixTzRule(PosixTzRuleKind.MonthWeekDay, m, w, d, 7200)
                : null;
        }
        else
        {
            rule = Number(365) is { } n ? new PosixTzRule(PosixTzRuleKind.ZeroBased, 0, 0, n, 7200) : null;
        }

        if (rule is null || !Take('/'))
        {
            return rule;
        }

        // glibc accepts transition times from -167 to 167 hours.
        return Offset(167) is { } time ? rule with { Seconds = time } : null;
    }

    private bool Colon() => Take(':');

    private bool Take(char c)
    {
        if (!AtEnd && text[_at] == c)
        {
            _at++;
            return true;
        }

        return false;
    }

    /// <summary>Digits as a number at most <paramref name="max"/>: larger ones are clamped or refused (null, nothing consumed).</summary>
    private int? Number(int max, bool clamp = false)
    {
        var start = _at;
        long value = 0;
        while (!AtEnd && char.IsAsciiDigit(text[_at]))
        {
            value = Math.Min((value * 10) + (text[_at] - '0'), int.MaxValue);
            _at++;
        }

        if (_at == start || (value > max && !clamp))
        {
            _at = start;
            return null;
        }

        return (int)Math.Min(value, max);
    }
}
