using Mono.Unix;
using Mono.Unix.Native;

namespace TestSupport;

/// <summary>Gives every entry of a tree distinct atime/mtime values with nanoseconds, children before folders
/// (creating a child changes its folder's mtime).</summary>
public static class TreeTimes
{
    private const long Base = 1_600_000_000;

    /// <summary>Sets the times of every entry under <paramref name="root"/> (the root too), symlinks included.</summary>
    public static void Apply(string root, int seed)
    {
        var counter = seed * 1000L;
        Visit(root, ref counter);
    }

    private static void Visit(string folder, ref long counter)
    {
        var entries = new UnixDirectoryInfo(folder).GetFileSystemEntries().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.FileType == FileTypes.Directory)
            {
                Visit(entry.FullName, ref counter);
            }
            else
            {
                Set(entry.FullName, counter++);
            }
        }

        Set(folder, counter++);
    }

    /// <summary>Sets one entry's times without following a symlink; mtime carries odd nanoseconds to catch truncation.</summary>
    public static void Set(string path, long n)
    {
        Timespec[] times =
        [
            new Timespec { tv_sec = Base + (n * 3), tv_nsec = (n * 7919) % 1_000_000_000 },
            new Timespec { tv_sec = Base + (n * 5), tv_nsec = (123_456_789 + (n * 104_729)) % 1_000_000_000 },
        ];
        if (Syscall.utimensat(-100, path, times, AtFlags.AT_SYMLINK_NOFOLLOW) != 0)
        {
            throw new IOException($"utimensat {path}: {Stdlib.GetLastError()}");
        }
    }
}
