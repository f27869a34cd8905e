// bup matches --exclude-rx patterns with Python's re module on bytes (helpers.py parse_rx_excludes,
// should_rx_exclude_path). .NET's regex is close enough once the bytes are read as Latin-1 (one
// char per byte, so '.' and classes see bytes) and ECMAScript mode gives \w, \d, \s and \b
// their ASCII meaning, as Python gives them for bytes; the few Python-only spellings are rewritten.
using System.Text;
using System.Text.RegularExpressions;

namespace BupBackup.Restore;

/// <summary>Compiles a Python <c>re</c> pattern over bytes into an equivalent .NET <see cref="Regex"/> over Latin-1 text. Stateless.</summary>
internal static class PythonRegex
{
    /// <summary>The pattern <paramref name="pattern"/> (raw bytes), for input made by <see cref="Text"/>.</summary>
    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public static Regex Compile(ReadOnlySpan<byte> pattern) =>
        new(Rewrite(Encoding.Latin1.GetString(pattern)), RegexOptions.ECMAScript, TimeSpan.FromSeconds(10));

    /// <summary>Bytes as the text the compiled patterns match: one char per byte.</summary>
    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    // (?P<name>...) -> (?<name>...), (?P=name) -> \k<name>, \Z (end of input) -> \z.
    private static string Rewrite(string pattern)
    {
        var result = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                result.Append(pattern[i + 1] == 'Z' ? "\\z" : pattern.AsSpan(i, 2));
                i++;
            }
            else if (string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                result.Append("(?<");
                i += 3;
            }
            else if (string.CompareOrdinal(pattern, i, "(?P=", 0, 4) == 0 && pattern.IndexOf(')', i) is var end and > 0)
            {
                result.Append("\\k<").Append(pattern, i + 4, end - i - 4).Append('>');
                i = end;
            }
            else
            {
                result.Append(pattern[i]);
            }
        }

        return result.ToString();
    }
}
