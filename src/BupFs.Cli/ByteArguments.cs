using System.Text;
using System.Text.Unicode;

namespace BupFs.Cli;

/// <summary>
/// Command-line arguments as the bytes the user typed. Paths are bytes (bup's argv_bytes), but .NET
/// hands out argv decoded as UTF-8, which replaces any other byte; the process's own command line
/// (/proc/self/cmdline) still has them.
/// </summary>
public sealed class ByteArguments
{
    private static readonly Lazy<ByteArguments> s_current = new(FromProcess);
    private readonly List<byte[]> _raw;

    private ByteArguments(List<byte[]> raw) => _raw = raw;

    /// <summary>This process's command line, read once (empty where /proc is missing).</summary>
    public static ByteArguments Current => s_current.Value;

    private static ByteArguments FromProcess()
    {
        try
        {
            return new ByteArguments(Split(File.ReadAllBytes("/proc/self/cmdline")));
        }
        catch (IOException)
        {
            return new ByteArguments([]);
        }
    }

    /// <summary>The bytes of <paramref name="argument"/> as given: the raw argument it was decoded from when that was not UTF-8.</summary>
    public byte[] Get(string argument) =>
        _raw.FirstOrDefault(r => !Utf8.IsValid(r) && Encoding.UTF8.GetString(r) == argument) ?? Encoding.UTF8.GetBytes(argument);

    private static List<byte[]> Split(byte[] cmdline)
    {
        var result = new List<byte[]>();
        for (int start = 0, end; start < cmdline.Length; start = end + 1)
        {
            end = Array.IndexOf(cmdline, (byte)0, start);
            end = end < 0 ? cmdline.Length : end;
            result.Add(cmdline[start..end]);
        }

        return result;
    }
}
