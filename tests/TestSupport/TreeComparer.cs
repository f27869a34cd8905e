using Mono.Unix;
using Mono.Unix.Native;

namespace TestSupport;

/// <summary>
/// Compares two trees entry by entry: names (as bytes), types, permissions, owners, sizes, content, symlink
/// targets, device numbers, times to the nanosecond, xattrs, hardlink groups and sparseness. The result is the list
/// of differences, empty when the trees match, so a failing test shows every difference at once.
/// </summary>
public sealed class TreeComparer
{
    private const int MaxDifferences = 60;

    private readonly TreeCompareOptions _options;
    private readonly List<string> _differences = [];
    private readonly Dictionary<(ulong, ulong), List<string>> _expectedLinks = [];
    private readonly Dictionary<string, (ulong, ulong)> _actualInodes = [];

    private TreeComparer(TreeCompareOptions options) => _options = options;

    /// <summary>The differences between <paramref name="expected"/> and <paramref name="actual"/>.</summary>
    public static IReadOnlyList<string> Compare(string expected, string actual, TreeCompareOptions? options = null)
    {
        var comparer = new TreeComparer(options ?? new TreeCompareOptions());
        comparer.Run(expected.TrimEnd('/'), actual.TrimEnd('/'));
        return comparer._differences;
    }

    private void Run(string expected, string actual)
    {
        if (_options.Root)
        {
            CompareEntry(".", expected, actual);
        }

        CompareFolder("", expected, actual);
        if (_options.Hardlinks)
        {
            CompareLinkGroups();
        }
    }

    private void CompareFolder(string relative, string expected, string actual)
    {
        var left = Names(expected);
        var right = Names(actual);
        foreach (var name in left.Except(right, StringComparer.Ordinal).Where(n => !_options.Ignore(Rel(relative, n))))
        {
            Add($"{Rel(relative, name)}: missing");
        }

        foreach (var name in right.Except(left, StringComparer.Ordinal).Where(n => !_options.Ignore(Rel(relative, n))))
        {
            Add($"{Rel(relative, name)}: unexpected");
        }

        foreach (var name in left.Intersect(right, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var rel = Rel(relative, name);
            if (!_options.Ignore(rel) && _differences.Count < MaxDifferences)
            {
                CompareEntry(rel, UnixNames.Join(expected, name), UnixNames.Join(actual, name));
            }
        }
    }

    private void CompareEntry(string rel, string expected, string actual)
    {
        var a = LStat(expected);
        var b = LStat(actual);
        var type = a.st_mode & FilePermissions.S_IFMT;
        if (type != (b.st_mode & FilePermissions.S_IFMT))
        {
            Add($"{rel}: type {type} != {b.st_mode & FilePermissions.S_IFMT}");
            return;
        }

        CompareMetadata(rel, type, a, b);
        CompareXattrs(rel, expected, actual);
        switch (type)
        {
            case FilePermissions.S_IFDIR:
                CompareFolder(rel, expected, actual);
                break;
            case FilePermissions.S_IFREG:
                CompareFile(rel, expected, actual, a, b);
                break;
            case FilePermissions.S_IFLNK:
                Same(rel, "symlink target", ReadLink(expected), ReadLink(actual));
                break;
            case FilePermissions.S_IFCHR or FilePermissions.S_IFBLK:
                Same(rel, "rdev", a.st_rdev, b.st_rdev);
                break;
        }
    }

    private void CompareMetadata(string rel, FilePermissions type, Stat a, Stat b)
    {
        if (type != FilePermissions.S_IFLNK)
        {
            Same(rel, "mode", Convert.ToString((uint)a.st_mode & 0xFFF, 8), Convert.ToString((uint)b.st_mode & 0xFFF, 8));
        }

        if (_options.Owners)
        {
            Same(rel, "uid", a.st_uid, b.st_uid);
            Same(rel, "gid", a.st_gid, b.st_gid);
        }

        var timed = _options.Mtime
            && (type != FilePermissions.S_IFDIR || _options.FolderMtime)
            && (type != FilePermissions.S_IFLNK || _options.SymlinkMtime);
        if (timed)
        {
            Same(rel, "mtime", (a.st_mtime, a.st_mtime_nsec), (b.st_mtime, b.st_mtime_nsec));
        }

        if (_options.Atime && type != FilePermissions.S_IFDIR)
        {
            Same(rel, "atime", (a.st_atime, a.st_atime_nsec), (b.st_atime, b.st_atime_nsec));
        }
    }

    private void CompareFile(string rel, string expected, string actual, Stat a, Stat b)
    {
        if (!Same(rel, "size", a.st_size, b.st_size))
        {
            return;
        }

        if (!FileContent.Equal(expected, actual, out var offset))
        {
            Add($"{rel}: content differs at byte {offset}");
        }

        if (_options.Hardlinks && a.st_nlink > 1)
        {
            Same(rel, "link count", a.st_nlink, b.st_nlink);
            var key = (a.st_dev, a.st_ino);
            if (!_expectedLinks.TryGetValue(key, out var group))
            {
                _expectedLinks[key] = group = [];
            }

            group.Add(rel);
            _actualInodes[rel] = (b.st_dev, b.st_ino);
        }

        var sparseInSource = a.st_blocks * 512 < a.st_size / 2;
        if (_options.Sparse && sparseInSource && b.st_blocks > (a.st_blocks * 2) + 2048)
        {
            Add($"{rel}: not sparse ({b.st_blocks} blocks, source {a.st_blocks})");
        }
    }

    private void CompareLinkGroups()
    {
        foreach (var group in _expectedLinks.Values.Where(g => g.Count > 1))
        {
            var inodes = group.Select(p => _actualInodes[p]).Distinct().Count();
            if (inodes != 1)
            {
                Add($"hardlinks {string.Join(", ", group)}: {inodes} different inodes in the copy");
            }
        }
    }

    private void CompareXattrs(string rel, string expected, string actual)
    {
        if (!_options.Xattrs)
        {
            return;
        }

        var a = Xattrs.Read(expected);
        var b = Xattrs.Read(actual);
        Same(rel, "xattr names", string.Join(",", a.Keys), string.Join(",", b.Keys));
        foreach (var (name, value) in a)
        {
            if (b.TryGetValue(name, out var other) && !value.AsSpan().SequenceEqual(other))
            {
                Add($"{rel}: xattr {name} differs");
            }
        }
    }

    private bool Same<T>(string rel, string what, T expected, T actual)
    {
        if (EqualityComparer<T>.Default.Equals(expected, actual))
        {
            return true;
        }

        Add($"{rel}: {what} {expected} != {actual}");
        return false;
    }

    private void Add(string difference)
    {
        if (_differences.Count < MaxDifferences)
        {
            _differences.Add(difference);
        }
    }

    private static string Rel(string folder, string name) => folder.Length == 0 ? name : folder + "/" + name;

    private static List<string> Names(string folder) =>
        [.. new UnixDirectoryInfo(folder).GetFileSystemEntries().Select(e => e.Name)];

    private static Stat LStat(string path) =>
        Syscall.lstat(path, out var stat) == 0 ? stat : throw new IOException($"lstat {path}: {Stdlib.GetLastError()}");

    private static string ReadLink(string path) => UnixPath.ReadLink(path);
}
