using System.Globalization;

namespace BupStore.Repository;

/// <summary>
/// The few git config values bup consults, read from the repository's config file: section and
/// key names are case-insensitive, subsections are kept as written ("[remote \"x\"]").
/// </summary>
public sealed class GitConfig
{
    private readonly Dictionary<string, string> _values;

    private GitConfig(Dictionary<string, string> values)
    {
        _values = values;
    }

    /// <summary>Reads a config file; a missing file is an empty config.</summary>
    public static GitConfig Load(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return new GitConfig(values);
        }

        var section = string.Empty;
        foreach (var raw in File.ReadLines(path))
        {
            var line = StripComment(raw).Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = SectionName(line[1..^1]);
            }
            else if (line.Length > 0)
            {
                var eq = line.IndexOf('=');
                var key = (eq < 0 ? line : line[..eq]).Trim();
                var value = eq < 0 ? "true" : Unquote(line[(eq + 1)..].Trim());
                values[$"{section}.{key}"] = value;
            }
        }

        return new GitConfig(values);
    }

    private static string SectionName(string header)
    {
        var space = header.IndexOf(' ');
        return space < 0 ? header.Trim() : $"{header[..space].Trim()}.{header[(space + 1)..].Trim().Trim('"')}";
    }

    private static string StripComment(string line)
    {
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && (line[i] == '#' || line[i] == ';'))
            {
                return line[..i];
            }
        }

        return line;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    /// <summary>The raw value of "section.key", or null.</summary>
    public string? Get(string key) => _values.TryGetValue(key, out var v) ? v : null;

    /// <summary>An integer value with git's k/m/g suffixes, or null when absent or malformed.</summary>
    public long? GetInt64(string key)
    {
        var v = Get(key)?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(v))
        {
            return null;
        }

        long scale = v[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, _ => 1 };
        var digits = scale == 1 ? v : v[..^1];
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n * scale : null;
    }

    /// <summary>A boolean value as git reads it, or <paramref name="fallback"/>.</summary>
    public bool GetBool(string key, bool fallback)
    {
        var v = Get(key)?.Trim().ToLowerInvariant();
        return v switch
        {
            "true" or "yes" or "on" or "1" => true,
            "false" or "no" or "off" or "0" or "" => false,
            _ => fallback,
        };
    }
}
