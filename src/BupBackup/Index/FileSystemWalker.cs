using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Index;

/// <summary>
/// Lists a tree on disk in index order (each directory before its contents, names compared as git
/// compares tree entries, so a directory sorts as if its name ended in '/'), with an lstat of every
/// path. Never follows symlinks. Skips excluded paths, the repository, and with one-file-system the
/// contents of directories on other devices. Unreadable directories and vanished paths are warnings.
/// Directories are scanned ahead on a few threads (<see cref="DirectoryPrefetcher"/>); the entries
/// and warnings come out in the same order as a one-at-a-time walk's.
/// </summary>
/// <remarks>Memory: the sorted listings of the directories on the current path, and of at most
/// <see cref="DirectoryPrefetcher.MaxAhead"/> directories scanned ahead. Not thread-safe.</remarks>
internal sealed class FileSystemWalker
{
    /// <summary>Scanning threads: enough to keep the disk busy while a cold walk waits on it.</summary>
    internal const int DefaultThreads = 8;

    private readonly IndexOptions _options;
    private readonly DirectoryScanner _scanner;
    private readonly int _threads;
    private readonly HashSet<byte[]> _crossDeviceExceptions;

    /// <summary>Creates a walker with <paramref name="options"/>, scanning on <paramref name="threads"/> threads (0: on the caller's).</summary>
    public FileSystemWalker(IndexOptions options, int threads = DefaultThreads)
    {
        _options = options;
        _scanner = new DirectoryScanner(new ExclusionFilter(options));
        _threads = threads;
        _crossDeviceExceptions = new HashSet<byte[]>(options.NamedPaths, ByteArrayEquality.Instance);
    }

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

        using var prefetcher = new DirectoryPrefetcher(_scanner.Scan, _threads);
        foreach (var entry in WalkDirectory(PathNames.AsDirectory(root), st, prefetcher))
        {
            yield return entry;
        }
    }

    private IEnumerable<WalkEntry> WalkDirectory(byte[] top, FileStatus topStatus, DirectoryPrefetcher prefetcher)
    {
        yield return new WalkEntry(top, topStatus);
        var stack = new Stack<Frame>();
        stack.Push(Enter(top, prefetcher.Request(top), topStatus, prefetcher));
        while (stack.Count > 0)
        {
            var frame = stack.Peek();
            if (frame.Next >= frame.Children.Length)
            {
                stack.Pop();
                continue;
            }

            var i = frame.Next++;
            var child = frame.Children[i];
            var path = child.IsDirectory ? [.. frame.Directory, .. child.Name, (byte)'/'] : PathNames.Join(frame.Directory, child.Name);
            yield return new WalkEntry(path, child.Status);
            if (frame.Jobs[i] is { } job)
            {
                stack.Push(Enter(path, job, topStatus, prefetcher));
            }
        }
    }

    /// <summary>Takes a directory's scan, reports its problems, and requests the scans of the subdirectories the walk will enter.</summary>
    private Frame Enter(byte[] dir, DirectoryPrefetcher.Job job, in FileStatus topStatus, DirectoryPrefetcher prefetcher)
    {
        var scan = prefetcher.Take(job);
        scan.Warnings.ForEach(Warn);
        var jobs = new DirectoryPrefetcher.Job?[scan.Children.Length];
        // Requested last to first: the prefetcher serves the newest request first, and the walk needs the first.
        for (var i = scan.Children.Length - 1; i >= 0; i--)
        {
            var child = scan.Children[i];
            if (!child.IsDirectory)
            {
                continue;
            }

            byte[] path = [.. dir, .. child.Name, (byte)'/'];
            if (Descends(path, child.Status, topStatus))
            {
                jobs[i] = prefetcher.Request(path);
            }
        }

        return new Frame(dir, scan.Children, jobs);
    }

    /// <summary>
    /// -x compares every directory with the device of the walk's root, as bup's drecurse does, but a
    /// directory named on the command line is always entered: -x only stops the walk crossing into
    /// filesystems the user did not name.
    /// </summary>
    private bool Descends(byte[] path, in FileStatus dir, in FileStatus top) =>
        !_options.OneFileSystem || dir.Device == top.Device || _crossDeviceExceptions.Contains(path);

    private void Warn(string message) => _options.OnWarning?.Invoke(message);

    private sealed class Frame(byte[] directory, ScannedChild[] children, DirectoryPrefetcher.Job?[] jobs)
    {
        public byte[] Directory { get; } = directory;

        public ScannedChild[] Children { get; } = children;

        public DirectoryPrefetcher.Job?[] Jobs { get; } = jobs;

        public int Next { get; set; }
    }
}
