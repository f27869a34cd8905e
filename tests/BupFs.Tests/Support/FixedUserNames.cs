using BupStore.Saves;

namespace BupFs.Tests.Support;

/// <summary>
/// User and group names from the system's /etc/passwd and /etc/group (what getpwuid/getgrgid, and so
/// libacl and bup, answer on a machine without other name services), or from a fixed table.
/// </summary>
internal sealed class FixedUserNames(IReadOnlyDictionary<uint, string> users, IReadOnlyDictionary<uint, string> groups) : IUserNames
{
    /// <summary>The names of the local files.</summary>
    public static FixedUserNames System { get; } = new(Read("/etc/passwd"), Read("/etc/group"));

    public byte[]? UserName(uint uid) => users.TryGetValue(uid, out var name) ? global::System.Text.Encoding.UTF8.GetBytes(name) : null;

    public byte[]? GroupName(uint gid) => groups.TryGetValue(gid, out var name) ? global::System.Text.Encoding.UTF8.GetBytes(name) : null;

    // name:password:id:... ; the first line for an id wins, as getpwuid's file lookup does.
    private static Dictionary<uint, string> Read(string file)
    {
        var names = new Dictionary<uint, string>();
        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && uint.TryParse(fields[2], global::System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                names.TryAdd(id, fields[0]);
            }
        }

        return names;
    }
}
