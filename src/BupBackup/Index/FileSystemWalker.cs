using System.Text;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Index;

/// <summary>
/// Lists a tree on disk in index order (each directory before its contents, names compared as git
/// compares tree entries, so a directory sorts as if its name ended in '/'), with an lstat of every
/// path. Never follows symlinks. Skips excluded paths, the repository, and with one-file-system the
/// contents of directories on other devices. Unreadable directories and vanished paths are warnings.
/// </summary>
/// <remarks>Memory: the sorted listings of the directories on the current path. Not thread-safe.</remarks>
internal sealed class FileSystemWalker
{
    private readonly IndexOptions _options;
    private readonly HashSet<string> _excluded;
    private readonly string? _repository;

    /// <summary>Creates a walker with <paramref name="options"/>.</summary>
    public FileSystemWalker(IndexOptions options)
    {
        _options = options;
        _excluded = options.Excludes.Select(Key).ToHashSet(StringComparer.Ordinal);
        _repository = options.RepositoryDirectory is { } repo ? Key(repo) : null;
    }

    // Paths as Latin-1 strings: one char per byte, so any byte path is a usable set key and regex input.
    private static string Key(byte[] path) => Encoding.Latin1.GetString(PathNames.ForSystem(path));

    /// <summary>The entries at and below <paramref name="root"/> (resolved, without a trailing '/').</summary>
    public IEnumerable<WalkEntry> Walk(byte[] root)
    {
        FileStatus? status;
        try
        {
            status = PosixFiles.TryLStat(root);
        }
        catch (PosixException e)
        {
            Warn(e.Message);
            yield break;
        }

        if (status is not { } st)
        {
            Warn($"{NameText.Display(root)}: no such file or directory");
            yield break;
        }

        if (st.FileType != PosixFileType.Directory)
        {
            yield return new WalkEntry(root, st);
            yield break;
        }

        foreach (var entry in WalkDirectory(PathNames.AsDirectory(root), st))
        {
            yield return entry;
        }
    }

    private IEnumerable<WalkEntry> WalkDirectory(byte[] top, FileStatus topStatus)
    {
        yield return new WalkEntry(top, topStatus);
        var stack = new Stack<(byte[] Dir, List<Child> Children, int Next)>();
        stack.Push((top, List(top), 0));
        while (stack.Count > 0)
        {
            var (dir, children, next) = stack.Pop();
            if (next >= children.Count)
            {
                continue;
            }

            stack.Push((dir, children, next + 1));
            var child = children[next];
            var path = child.IsDirectory ? [.. dir, .. child.Name, (byte)'/'] : PathNames.Join(dir, child.Name);
            yield return new WalkEntry(path, child.Status);
            if (child.IsDirectory && Descends(child.Status, topStatus))
            {
                stack.Push((path, List(path), 0));
            }
        }
    }

    private bool Descends(in FileStatus dir, in FileStatus top) => !_options.OneFileSystem || dir.Device == top.Device;

    private List<Child> List(byte[] dir)
    {
        List<byte[]> names;
        try
        {
            names = DirectoryListing.Names(PathNames.ForSystem(dir));
        }
        catch (PosixException e)
        {
            Warn(e.Message);
            return [];
        }

        var children = new List<Child>(names.Count);
        foreach (var name in names)
        {
            if (Stat(dir, name) is { } child)
            {
                children.Add(child);
            }
        }

        children.Sort(static (a, b) => TreeCodec.CompareNames(a.Name, a.IsDirectory, b.Name, b.IsDirectory));
        return children;
    }

    private Child? Stat(byte[] dir, byte[] name)
    {
        var path = PathNames.Join(dir, name);
        try
        {
            if (PosixFiles.TryLStat(path) is not { } st)
            {
                return null; // vanished since readdir: simply not there
            }

            var child = new Child(name, st);
            return IsExcluded(path, child.IsDirectory) ? null : child;
        }
        catch (PosixException e)
        {
            Warn(e.Message);
            return null;
        }
    }

    private bool IsExcluded(byte[] path, bool isDirectory)
    {
        var key = Key(path);
        if (_excluded.Contains(key) || (isDirectory && key == _repository))
        {
            return true;
        }

        var text = isDirectory ? key + "/" : key;
        return _options.ExcludePatterns.Any(rx => rx.IsMatch(text));
    }

    private void Warn(string message) => _options.OnWarning?.Invoke(message);

    private readonly record struct Child(byte[] Name, FileStatus Status)
    {
        public bool IsDirectory => Status.FileType == PosixFileType.Directory;
    }
}
