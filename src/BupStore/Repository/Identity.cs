using System.Runtime.InteropServices;
using System.Text;

namespace BupStore.Repository;

/// <summary>
/// Who writes a commit, as bup derives it (docs/formats/objects.md, "Identity and dates"): the first GECOS field of the
/// current user (else the login name), "&lt;login&gt;@&lt;hostname&gt;" as email.
/// </summary>
public static partial class Identity
{
    /// <summary>The name and email bup would record for the current user on this host.</summary>
    public static (byte[] Name, byte[] Email) Current()
    {
        var (login, gecos) = PasswdEntry();
        var name = gecos.Split(',')[0];
        if (string.IsNullOrEmpty(name))
        {
            name = login;
        }

        return (Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes($"{login}@{Environment.MachineName}"));
    }

    private static (string Login, string Gecos) PasswdEntry()
    {
        var uid = OperatingSystem.IsWindows() ? 0u : GetUid();
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length >= 5 && uint.TryParse(f[2], out var u) && u == uid)
                {
                    return (f[0], f[4]);
                }
            }
        }
        catch (IOException)
        {
        }

        var user = Environment.UserName;
        return (string.IsNullOrEmpty(user) ? $"user{uid}" : user, string.Empty);
    }

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();
}
