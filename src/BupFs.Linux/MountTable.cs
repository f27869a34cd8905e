// Reads /proc/self/mountinfo (proc(5)): "id parent major:minor root mountpoint options
// [optional fields...] - fstype source superoptions". Paths are octal-escaped (\040 for space).
using System.Text;

namespace BupFs.Linux;

/// <summary>The current mount namespace's mount table.</summary>
internal static class MountTable
{
    private const string MountInfoPath = "/proc/self/mountinfo";

    /// <summary>The topmost mount on <paramref name="mountPoint"/> (canonical path), or null.</summary>
    public static MountEntry? Find(string mountPoint)
    {
        MountEntry? found = null;
        foreach (string line in File.ReadLines(MountInfoPath))
        {
            if (Parse(line) is { } entry && entry.MountPoint == mountPoint)
            {
                found = entry; // later lines are mounted on top of earlier ones
            }
        }

        return found;
    }

    /// <summary>Parses one mountinfo line; null if it is malformed.</summary>
    public static MountEntry? Parse(string line)
    {
        string[] fields = line.Split(' ');
        int separator = fields.Length < 7 ? -1 : Array.IndexOf(fields, "-", 6);
        if (separator < 0 || separator + 2 >= fields.Length)
        {
            return null;
        }

        return new MountEntry(fields[2], Unescape(fields[4]), Unescape(fields[separator + 1]), Unescape(fields[separator + 2]));
    }

    /// <summary>Undoes the kernel's \ooo escaping of space, tab, newline and backslash.</summary>
    public static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var bytes = new List<byte>(field.Length);
        byte[] raw = Encoding.UTF8.GetBytes(field);
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 3 < raw.Length && IsOctal(raw[i + 1]) && IsOctal(raw[i + 2]) && IsOctal(raw[i + 3]))
            {
                bytes.Add((byte)(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.Add(raw[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(byte value) => value is >= (byte)'0' and <= (byte)'7';
}
