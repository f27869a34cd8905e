using System.Text;

namespace BupFs.Cli;

/// <summary>
/// Python's repr() of bytes and of lists of bytes, which bup writes into commit messages
/// (docs/formats/objects.md, "Messages").
/// </summary>
public static class PythonRepr
{
    /// <summary>repr(b'...'), with or without the leading b.</summary>
    public static string Bytes(ReadOnlySpan<byte> value, bool withPrefix)
    {
        var quote = value.Contains((byte)'\'') && !value.Contains((byte)'"') ? '"' : '\'';
        var sb = new StringBuilder(withPrefix ? "b" : string.Empty).Append(quote);
        foreach (var b in value)
        {
            sb.Append(b switch
            {
                (byte)'\\' => "\\\\",
                (byte)'\t' => "\\t",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                _ when b == quote => "\\" + quote,
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }

        return sb.Append(quote).ToString();
    }

    /// <summary>repr([b'a', b'b']) (or without the b prefixes).</summary>
    public static string List(IEnumerable<byte[]> items, bool withPrefix) =>
        "[" + string.Join(", ", items.Select(i => Bytes(i, withPrefix))) + "]";

    /// <summary>The process arguments as bytes (as the OS passed them, UTF-8 on Linux).</summary>
    public static IEnumerable<byte[]> ArgvBytes(IEnumerable<string> args) => args.Select(a => Encoding.UTF8.GetBytes(a));
}
