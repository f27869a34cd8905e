// Splitting repository-view paths as bup's vfs._decompose_path does (docs/formats/vfs-layout.md).
namespace BupFs;

/// <summary>
/// Byte paths of the repository view (<c>/branch/latest/etc/hosts</c>): '/'-separated raw names,
/// no encoding assumed. Empty components and "." are dropped; ".." is kept for the resolver.
/// </summary>
public static class VfsPath
{
    /// <summary>The separator byte.</summary>
    public const byte Separator = (byte)'/';

    /// <summary>
    /// The components of <paramref name="path"/> in order. <paramref name="isAbsolute"/> tells
    /// whether it starts with '/'; <paramref name="mustBeDirectory"/> whether it ends with '/' or
    /// "/." (bup then follows a final symlink and requires a directory).
    /// </summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> path, out bool isAbsolute, out bool mustBeDirectory)
    {
        isAbsolute = path.Length > 0 && path[0] == Separator;
        mustBeDirectory = EndsAsDirectory(path);
        var components = new List<byte[]>();
        foreach (var range in path.Split(Separator))
        {
            var part = path[range];
            if (part.Length > 0 && !part.SequenceEqual("."u8))
            {
                components.Add(part.ToArray());
            }
        }

        return components;
    }

    /// <summary>True for "..", the only component the resolver handles without a lookup.</summary>
    public static bool IsParent(ReadOnlySpan<byte> component) => component.SequenceEqual(".."u8);

    /// <summary>True when <paramref name="name"/> can be a directory entry: non-empty, not "." or
    /// "..", without '/' or NUL. Tree entries that fail this are hidden from the view.</summary>
    public static bool IsValidName(ReadOnlySpan<byte> name) =>
        name.Length > 0 && !name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8)
        && name.IndexOfAny(Separator, (byte)0) < 0;

    private static bool EndsAsDirectory(ReadOnlySpan<byte> path) =>
        path.EndsWith("/"u8) || path.EndsWith("/."u8);
}
