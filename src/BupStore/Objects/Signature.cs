using System.Text;

namespace BupStore.Objects;

/// <summary>An author or committer line: "Name &lt;email&gt; seconds ±HHMM".</summary>
/// <param name="Name">The person's name as raw bytes.</param>
/// <param name="Email">The email as raw bytes (without the angle brackets).</param>
/// <param name="Seconds">Seconds since the epoch.</param>
/// <param name="TimeZone">The offset as git writes it, e.g. "+0100" or "-0530".</param>
public sealed record Signature(byte[] Name, byte[] Email, long Seconds, string TimeZone)
{
    /// <summary>The offset from UTC in minutes, parsed from <see cref="TimeZone"/> (0 when malformed).</summary>
    public int OffsetMinutes
    {
        get
        {
            if (TimeZone.Length != 5 || (TimeZone[0] != '+' && TimeZone[0] != '-')
                || !int.TryParse(TimeZone.AsSpan(1, 2), out var h) || !int.TryParse(TimeZone.AsSpan(3, 2), out var m))
            {
                return 0;
            }

            return (TimeZone[0] == '-' ? -1 : 1) * ((h * 60) + m);
        }
    }

    /// <summary>Formats the signature as it appears after "author " in a commit.</summary>
    public byte[] Format()
    {
        var tail = Encoding.ASCII.GetBytes($"> {Seconds} {TimeZone}");
        return [.. Name, (byte)' ', (byte)'<', .. Email, .. tail];
    }

    /// <summary>Parses a signature line body; null when it is not of the expected form.</summary>
    public static Signature? TryParse(ReadOnlySpan<byte> line)
    {
        var lt = line.IndexOf((byte)'<');
        var gt = line.LastIndexOf((byte)'>');
        if (lt < 0 || gt < lt)
        {
            return null;
        }

        var name = line[..lt].TrimEnd((byte)' ').ToArray();
        var email = line[(lt + 1)..gt].ToArray();
        var rest = Encoding.ASCII.GetString(line[(gt + 1)..]).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 1 || !long.TryParse(rest[0], out var secs))
        {
            return null;
        }

        return new Signature(name, email, secs, rest.Length > 1 ? rest[1] : "+0000");
    }

    /// <summary>A signature for "now" in the local time zone, formatted as bup does (docs/formats/objects.md, "Identity and dates").</summary>
    public static Signature Now(byte[] name, byte[] email, long? seconds = null)
    {
        var secs = seconds ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var offset = BupStore.Time.LocalTimeZone.Current.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(secs));
        var total = (int)offset.TotalMinutes;
        var sign = total < 0 ? '-' : '+';
        total = Math.Abs(total);
        return new Signature(name, email, secs, $"{sign}{total / 60:D2}{total % 60:D2}");
    }
}
