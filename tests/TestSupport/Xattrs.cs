using Mono.Unix.Native;

namespace TestSupport;

/// <summary>Reads all extended attributes of an entry without following symlinks.</summary>
public static class Xattrs
{
    /// <summary>Name → value, sorted by name; empty where the filesystem has none.</summary>
    public static SortedDictionary<string, byte[]> Read(string path)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (Syscall.llistxattr(path, out string[] names) < 0)
        {
            return result;
        }

        foreach (var name in names)
        {
            if (Syscall.lgetxattr(path, name, out byte[] value) >= 0)
            {
                result[name] = value;
            }
        }

        return result;
    }
}
