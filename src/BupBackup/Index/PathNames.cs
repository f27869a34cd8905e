using BupBackup.Posix;

namespace BupBackup.Index;

/// <summary>
/// Path helpers on byte paths, with bup's conventions: absolute paths, a directory written with a
/// trailing '/', and <see cref="ResolveParent"/> as bup resolves the paths given on its command line.
/// </summary>
public static class PathNames
{
    /// <summary>The root directory, "/".</summary>
    public static ReadOnlySpan<byte> Root => "/"u8;

    /// <summary>
    /// os.path.abspath: <paramref name="path"/> made absolute against <paramref name="cwd"/> with
    /// "//", "." and ".." removed lexically (symlinks are not looked at). No trailing '/'.
    /// </summary>
    public static byte[] Normalize(ReadOnlySpan<byte> path, ReadOnlySpan<byte> cwd)
    {
        var parts = new List<byte[]>();
        if (path.IsEmpty || path[0] != (byte)'/')
        {
            AddParts(parts, cwd);
        }

        AddParts(parts, path);
        if (parts.Count == 0)
        {
            return "/"u8.ToArray();
        }

        var result = new List<byte>();
        foreach (var part in parts)
        {
            result.Add((byte)'/');
            result.AddRange(part);
        }

        return [.. result];
    }

    private static void AddParts(List<byte[]> parts, ReadOnlySpan<byte> path)
    {
        foreach (var range in path.Split((byte)'/'))
        {
            var part = path[range];
            if (part.IsEmpty || part.SequenceEqual("."u8))
            {
                continue;
            }

            if (part.SequenceEqual(".."u8))
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part.ToArray());
        }
    }

    /// <summary>The current directory as bytes.</summary>
    public static byte[] CurrentDirectory() => DirectoryListing.RealPath("."u8);

    /// <summary>
    /// bup's resolve_parent: the absolute path with symlinks resolved everywhere except in the last
    /// component (a symlink given by name is saved as a symlink). No trailing '/'.
    /// </summary>
    /// <exception cref="PosixException">The path or its directory does not exist.</exception>
    public static byte[] ResolveParent(ReadOnlySpan<byte> path)
    {
        var absolute = Normalize(path, CurrentDirectory());
        if (PosixFiles.TryLStat(absolute) is { FileType: BupStore.Formats.PosixFileType.Symlink })
        {
            var (dir, name) = Split(absolute);
            return Join(DirectoryListing.RealPath(dir), name);
        }

        return DirectoryListing.RealPath(absolute);
    }

    /// <summary>Splits "/a/b" into ("/a", "b") and "/a" into ("/", "a"); the path must not end in '/'.</summary>
    public static (byte[] Directory, byte[] Name) Split(ReadOnlySpan<byte> path)
    {
        var slash = path.LastIndexOf((byte)'/');
        return (slash <= 0 ? "/"u8.ToArray() : path[..slash].ToArray(), path[(slash + 1)..].ToArray());
    }

    /// <summary><paramref name="dir"/> + "/" + <paramref name="name"/>, with a single '/'.</summary>
    public static byte[] Join(ReadOnlySpan<byte> dir, ReadOnlySpan<byte> name)
    {
        var slash = dir.Length > 0 && dir[^1] == (byte)'/';
        return slash ? [.. dir, .. name] : [.. dir, (byte)'/', .. name];
    }

    /// <summary>The path with exactly one trailing '/'.</summary>
    public static byte[] AsDirectory(ReadOnlySpan<byte> path) =>
        path.Length > 0 && path[^1] == (byte)'/' ? path.ToArray() : [.. path, (byte)'/'];

    /// <summary>The path without a trailing '/' (the root stays "/"): the form system calls take.</summary>
    public static byte[] ForSystem(ReadOnlySpan<byte> path) =>
        path.Length > 1 && path[^1] == (byte)'/' ? path[..^1].ToArray() : path.ToArray();

    /// <summary>
    /// True when <paramref name="path"/> is <paramref name="top"/> or inside it. <paramref name="top"/>
    /// is in index form: a directory ends in '/', a file does not.
    /// </summary>
    public static bool IsWithin(ReadOnlySpan<byte> path, ReadOnlySpan<byte> top) =>
        top.Length > 0 && top[^1] == (byte)'/' ? path.StartsWith(top) : path.SequenceEqual(top);
}
