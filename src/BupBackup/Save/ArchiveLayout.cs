using BupBackup.Index;

namespace BupBackup.Save;

/// <summary>
/// Where an index directory lands in the saved tree: bup's path_components, and with --strip,
/// --strip-path or --graft its stripped_path_components / grafted_path_components. Prefixes are
/// matched whole components at a time (bup compares strings, so that /a/bc matched /a/b).
/// </summary>
internal sealed class ArchiveLayout
{
    private readonly List<byte[]> _stripPrefixes;
    private readonly IReadOnlyList<GraftPoint> _grafts;

    /// <summary>A layout for <paramref name="options"/>; <paramref name="sources"/> are the index paths saved (for --strip).</summary>
    public ArchiveLayout(SaveOptions options, IEnumerable<byte[]> sources)
    {
        _grafts = options.Grafts;
        _stripPrefixes = options.Strip ? [.. sources.Select(s => PathNames.ForSystem(s))]
            : options.StripPath is { } p ? [PathNames.ForSystem(p)] : [];
        _stripPrefixes.RemoveAll(p => p.AsSpan().SequenceEqual("/"u8));
        _stripPrefixes.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    /// <summary>The archive levels of index directory <paramref name="dir"/> (ending in '/'), the root first.</summary>
    public List<ArchiveComponent> Components(byte[] dir)
    {
        var bare = PathNames.ForSystem(dir);
        foreach (var prefix in _stripPrefixes)
        {
            if (IsPrefix(prefix, bare))
            {
                return Stripped(bare, prefix);
            }
        }

        foreach (var graft in _grafts)
        {
            if (IsPrefix(graft.Old, bare))
            {
                return Grafted(bare, graft);
            }
        }

        return Plain(bare);
    }

    private static bool IsPrefix(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> path) =>
        prefix.SequenceEqual("/"u8) || path.SequenceEqual(prefix) || (path.StartsWith(prefix) && path[prefix.Length] == (byte)'/');

    /// <summary>path_components: ("", "/"), ("a", "/a/"), ("b", "/a/b/").</summary>
    private static List<ArchiveComponent> Plain(byte[] bare) => Levels(bare, 0, "/"u8.ToArray(), []);

    private static List<ArchiveComponent> Stripped(byte[] bare, byte[] prefix) =>
        Levels(bare, prefix.Length, PathNames.AsDirectory(prefix), []);

    private static List<ArchiveComponent> Grafted(byte[] bare, GraftPoint graft)
    {
        var old = graft.Old.AsSpan().SequenceEqual("/"u8) ? 0 : graft.Old.Length;
        var names = Names(graft.New);
        var prefix = new List<ArchiveComponent>();
        if (names.Count == 0)
        {
            return Levels(bare, old, PathNames.AsDirectory(graft.Old), prefix);
        }

        prefix.Add(new ArchiveComponent([], null));
        prefix.AddRange(names.SkipLast(1).Select(n => new ArchiveComponent(n, null)));
        return Levels(bare, old, PathNames.AsDirectory(graft.Old), prefix, names[^1]);
    }

    /// <summary>
    /// The levels from <paramref name="bare"/>[..<paramref name="start"/>] (the level named
    /// <paramref name="firstName"/>, "" by default, with directory <paramref name="first"/>) down to
    /// <paramref name="bare"/> itself, after <paramref name="prefix"/>.
    /// </summary>
    private static List<ArchiveComponent> Levels(byte[] bare, int start, byte[] first, List<ArchiveComponent> prefix, byte[]? firstName = null)
    {
        var result = new List<ArchiveComponent>(prefix) { new(firstName ?? [], first) };
        var path = first;
        foreach (var name in Names(bare.AsSpan(start)))
        {
            path = [.. path, .. name, (byte)'/'];
            result.Add(new ArchiveComponent(name, path));
        }

        return result;
    }

    private static List<byte[]> Names(ReadOnlySpan<byte> path)
    {
        var names = new List<byte[]>();
        foreach (var range in path.Split((byte)'/'))
        {
            if (!path[range].IsEmpty)
            {
                names.Add(path[range].ToArray());
            }
        }

        return names;
    }
}
