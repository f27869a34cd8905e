using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// git fsck --strict's commit rules (git's fsck.c verify_headers, fsck_commit, fsck_ident) with
/// git's wording: a terminated header without NUL, "tree" first, then "parent" lines, exactly one
/// "author" and one "committer", each "Name &lt;email&gt; seconds ±hhmm" with no zero-padded date;
/// no NUL anywhere (strict turns git's warning into an error).
/// </summary>
internal static class StrictCommit
{
    /// <summary>git's complaint about the commit body, or null when it is well formed.</summary>
    public static string? Check(ReadOnlySpan<byte> body)
    {
        var header = CheckHeaders(body);
        if (header is not null)
        {
            return header;
        }

        var pos = 0;
        if (!TryId(body, ref pos, "tree "u8, out var present))
        {
            return present ? "invalid 'tree' line format - bad sha1" : "invalid format - expected 'tree' line";
        }

        while (TryId(body, ref pos, "parent "u8, out present))
        {
        }

        if (present)
        {
            return "invalid 'parent' line format - bad sha1";
        }

        return CheckPeople(body, ref pos) ?? (body.Contains((byte)0) ? "NUL byte in the commit object body" : null);
    }

    private static string? CheckHeaders(ReadOnlySpan<byte> body)
    {
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == 0)
            {
                return $"unterminated header: NUL at offset {i}";
            }

            if (body[i] == '\n' && i + 1 < body.Length && body[i + 1] == '\n')
            {
                return null;
            }
        }

        return body.Length > 0 && body[^1] == '\n' ? null : "unterminated header";
    }

    // True when a well-formed "<key><40 hex>\n" line was consumed; present says whether the line starts with the key.
    private static bool TryId(ReadOnlySpan<byte> body, ref int pos, ReadOnlySpan<byte> key, out bool present)
    {
        present = body[pos..].StartsWith(key);
        if (!present)
        {
            return false;
        }

        var start = pos + key.Length;
        if (start + ObjectId.HexSize >= body.Length || body[start + ObjectId.HexSize] != '\n'
            || !ObjectId.TryParse(body.Slice(start, ObjectId.HexSize), out _))
        {
            return false;
        }

        pos = start + ObjectId.HexSize + 1;
        return true;
    }

    private static string? CheckPeople(ReadOnlySpan<byte> body, ref int pos)
    {
        var authors = 0;
        while (body[pos..].StartsWith("author "u8))
        {
            authors++;
            pos += 7;
            if (Ident(body, ref pos) is { } bad)
            {
                return bad;
            }
        }

        if (authors != 1)
        {
            return authors == 0 ? "invalid format - expected 'author' line" : "invalid format - multiple 'author' lines";
        }

        if (!body[pos..].StartsWith("committer "u8))
        {
            return "invalid format - expected 'committer' line";
        }

        pos += 10;
        return Ident(body, ref pos);
    }

    // git's fsck_ident, step by step; pos moves past the line.
    private static string? Ident(ReadOnlySpan<byte> body, ref int pos)
    {
        var line = body[pos..];
        var nl = line.IndexOf((byte)'\n');
        pos += nl < 0 ? line.Length : nl + 1;
        line = nl < 0 ? line : line[..(nl + 1)];
        return IdentLine(line);
    }

    private static string? IdentLine(ReadOnlySpan<byte> p)
    {
        const string prefix = "invalid author/committer line - ";
        if (p.Length > 0 && p[0] == '<')
        {
            return prefix + "missing space before email";
        }

        var i = p.IndexOfAny("<>\n"u8);
        if (i < 0 || p[i] == '>')
        {
            return prefix + (i < 0 ? "missing email" : "bad name");
        }

        if (p[i] != '<')
        {
            return prefix + "missing email";
        }

        if (i == 0 || p[i - 1] != ' ')
        {
            return prefix + "missing space before email";
        }

        var rest = p[(i + 1)..];
        var j = rest.IndexOfAny("<>\n"u8);
        if (j < 0 || rest[j] != '>')
        {
            return prefix + "bad email";
        }

        return DateAndZone(rest[(j + 1)..], prefix);
    }

    private static string? DateAndZone(ReadOnlySpan<byte> p, string prefix)
    {
        if (p.Length == 0 || p[0] != ' ')
        {
            return prefix + "missing space before date";
        }

        p = p[1..];
        if (p.Length > 1 && p[0] == '0' && p[1] != ' ')
        {
            return prefix + "zero-padded date";
        }

        var digits = 0;
        while (digits < p.Length && p[digits] is >= (byte)'0' and <= (byte)'9')
        {
            digits++;
        }

        if (digits > 19 || (digits == 19 && !ulong.TryParse(p[..digits], out _)))
        {
            return prefix + "date causes integer overflow";
        }

        if (digits == 0 || digits >= p.Length || p[digits] != ' ')
        {
            return prefix + "bad date";
        }

        var zone = p[(digits + 1)..];
        var ok = zone.Length >= 6 && zone[0] is (byte)'+' or (byte)'-' && IsDigits(zone[1..5]) && zone[5] == '\n';
        return ok ? null : prefix + "bad time zone";
    }

    private static bool IsDigits(ReadOnlySpan<byte> text) => text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
}
