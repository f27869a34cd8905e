using System.Text;

namespace BupStore.Objects;

/// <summary>
/// Renders raw name bytes for humans (messages, listings to a terminal). Names stay bytes
/// everywhere else; this is the only place that turns them into text for display.
/// </summary>
public static class NameText
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

    /// <summary>UTF-8 when valid, else each invalid byte as \xNN (like Python's repr).</summary>
    public static string Display(ReadOnlySpan<byte> name)
    {
        try
        {
            return StrictUtf8.GetString(name);
        }
        catch (DecoderFallbackException)
        {
            var sb = new StringBuilder(name.Length * 2);
            foreach (var b in name)
            {
                sb.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
            }

            return sb.ToString();
        }
    }
}
