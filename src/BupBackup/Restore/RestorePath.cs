// What one `bup restore` path argument asks for (bup 0.33 cmd/restore.py main: valid_restore_path,
// the "latest" special case and the meaning of a trailing "/" or "/.").
using BupStore.Objects;

namespace BupBackup.Restore;

/// <summary>A parsed path argument: which node of the repository view, and how to restore it.</summary>
internal sealed class RestorePath
{
    private RestorePath(byte[] path, RestorePathMode mode, byte[] name, bool followFinal)
    {
        Path = path;
        Mode = mode;
        Name = name;
        FollowFinalSymlink = followFinal;
    }

    /// <summary>The path as given (resolved in the repository view).</summary>
    public byte[] Path { get; }

    /// <summary>Whether the node itself or only its contents are restored.</summary>
    public RestorePathMode Mode { get; }

    /// <summary>The name the node is restored under (for <see cref="RestorePathMode.Item"/>).</summary>
    public byte[] Name { get; }

    /// <summary>True for <c>/BRANCH/latest</c>: bup follows it to the save but keeps the name "latest".</summary>
    public bool FollowFinalSymlink { get; }

    /// <summary>The path for messages.</summary>
    public string Display => NameText.Display(Path);

    /// <summary>Parses <paramref name="path"/>; null with <paramref name="problem"/> set when bup would refuse it.</summary>
    public static RestorePath? Parse(byte[] path, out string? problem)
    {
        problem = null;
        var normalized = Normalize(path);
        if (normalized.Count < 2)
        {
            problem = $"path '{NameText.Display(path)}' doesn't include a branch and revision";
            return null;
        }

        var last = LastComponent(path);
        if (last.Length == 0 || last.SequenceEqual("."u8))
        {
            var mode = last.Length == 0 ? RestorePathMode.Contents : RestorePathMode.ContentsAndSelf;
            return new RestorePath(path, mode, [], followFinal: true);
        }

        if (last.SequenceEqual(".."u8))
        {
            problem = $"path '{NameText.Display(path)}' ends in '..': name the directory itself, or end with '/' to restore its contents";
            return null;
        }

        var isLatest = normalized.Count == 2 && normalized[1].AsSpan().SequenceEqual("latest"u8);
        return new RestorePath(path, RestorePathMode.Item, last.ToArray(), isLatest);
    }

    // Python's os.path.normpath on the components: "." and empty parts dropped, ".." popping one.
    private static List<byte[]> Normalize(ReadOnlySpan<byte> path)
    {
        var parts = new List<byte[]>();
        foreach (var range in path.Split((byte)'/'))
        {
            var part = path[range];
            if (part.IsEmpty || part.SequenceEqual("."u8))
            {
                continue;
            }

            if (!part.SequenceEqual(".."u8))
            {
                parts.Add(part.ToArray());
            }
            else if (parts.Count > 0 && !parts[^1].AsSpan().SequenceEqual(".."u8))
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (path.Length == 0 || path[0] != (byte)'/')
            {
                parts.Add(part.ToArray());
            }
        }

        return parts;
    }

    private static ReadOnlySpan<byte> LastComponent(ReadOnlySpan<byte> path) => path[(path.LastIndexOf((byte)'/') + 1)..];
}
