using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Index;

/// <summary>
/// <c>bupfs index</c>: brings the bupfs-index file up to date with the filesystem under some paths
/// (bup index -u), or remaps index graft points without walking (--regraft). Each root is one
/// streaming pass from the old file to a new one that replaces it atomically; memory does not grow
/// with the number of files. A damaged index is reported once and rebuilt from scratch.
/// </summary>
/// <remarks>Not thread-safe: one update at a time per index file (the rename makes concurrent
/// writers lose each other's work, never corrupt the file).</remarks>
public sealed class IndexUpdater
{
    private readonly string _indexPath;
    private IndexOptions _options;

    /// <summary>An updater for the index file at <paramref name="indexPath"/>.</summary>
    public IndexUpdater(string indexPath, IndexOptions options)
    {
        _indexPath = indexPath;
        _options = options;
    }

    /// <summary>Updates the index for <paramref name="paths"/> (as given on the command line).</summary>
    public IndexStatistics Update(IEnumerable<byte[]> paths)
    {
        var stats = new IndexStatistics();
        foreach (var root in ReduceRoots(paths, stats))
        {
            UpdateRoot(root, stats);
        }

        return stats;
    }

    /// <summary>
    /// bup's reduce_paths: resolve each path (not following a final symlink), mark directories with
    /// '/', sort, and drop paths inside another one.
    /// </summary>
    internal List<byte[]> ReduceRoots(IEnumerable<byte[]> paths, IndexStatistics stats)
    {
        var resolved = new List<byte[]>();
        foreach (var path in paths)
        {
            try
            {
                var real = PathNames.ResolveParent(path);
                var isDir = PosixFiles.LStat(real).FileType == PosixFileType.Directory;
                resolved.Add(isDir ? PathNames.AsDirectory(real) : real);
            }
            catch (PosixException e)
            {
                stats.Warnings++;
                _options.OnWarning?.Invoke(e.Message);
            }
        }

        // -x still enters every named path, even one below another named path (bup's xdev_exceptions).
        _options = _options with { NamedPaths = [.. _options.NamedPaths, .. resolved] };
        resolved.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        var roots = new List<byte[]>();
        foreach (var r in resolved)
        {
            if (roots.Count == 0 || !PathNames.IsWithin(r, roots[^1]))
            {
                roots.Add(r);
            }
        }

        return roots;
    }

    private void UpdateRoot(byte[] realRoot, IndexStatistics total)
    {
        var stats = new IndexStatistics();
        try
        {
            Pass(realRoot, useOld: true, stats);
        }
        catch (CorruptObjectException e)
        {
            total.Warnings++;
            _options.OnWarning?.Invoke($"{_indexPath} is damaged ({e.Message}); rebuilding it");
            stats = new IndexStatistics();
            Pass(realRoot, useOld: false, stats);
        }

        Accumulate(total, stats);
    }

    private static void Accumulate(IndexStatistics total, IndexStatistics pass)
    {
        total.Walked += pass.Walked;
        total.Added += pass.Added;
        total.Changed += pass.Changed;
        total.Deleted += pass.Deleted;
        total.Warnings += pass.Warnings;
        total.Records = pass.Records;
    }

    private void Pass(byte[] realRoot, bool useOld, IndexStatistics stats)
    {
        var graft = _options.Grafts.FirstOrDefault(g => g.ToArchive(realRoot) is not null);
        var indexRoot = graft?.ToArchive(realRoot) ?? realRoot;
        using var old = useOld ? IndexReader.TryOpen(_indexPath) : null;
        var links = new HardlinkTable(old?.ReadLinks());
        using var writer = new IndexWriter(_indexPath);
        var merge = new IndexMerge(old, writer, links, indexRoot, _options, stats);
        merge.Run(Ancestors(indexRoot, graft).Concat(Found(realRoot, graft)));
        links.EndWalk(indexRoot);
        stats.Records = writer.Count;
        if (merge.Modified || old is null)
        {
            writer.Commit(links.Targets);
        }
    }

    private IEnumerable<NewEntry> Found(byte[] realRoot, GraftPoint? graft)
    {
        var walker = new FileSystemWalker(_options);
        foreach (var entry in walker.Walk(PathNames.ForSystem(realRoot)))
        {
            var indexPath = graft?.ToArchive(entry.RealPath) ?? entry.RealPath;
            yield return new NewEntry(indexPath, entry.RealPath, entry.Status);
        }
    }

    /// <summary>The directories above <paramref name="indexRoot"/>, the root "/" first.</summary>
    private IEnumerable<NewEntry> Ancestors(byte[] indexRoot, GraftPoint? graft)
    {
        var bare = PathNames.ForSystem(indexRoot);
        for (var i = 0; i < bare.Length && bare.Length > 1; i++)
        {
            if (bare[i] != (byte)'/')
            {
                continue;
            }

            var path = bare[..(i + 1)];
            var real = graft is null ? path : graft.ToReal(path) ?? [];
            yield return Ancestor(path, real);
        }
    }

    private NewEntry Ancestor(byte[] path, byte[] real)
    {
        if (real.Length == 0)
        {
            return new NewEntry(path, [], IndexMerge.Synthetic(path).Status);
        }

        try
        {
            var status = PosixFiles.LStat(PathNames.ForSystem(real));
            if (status.FileType == PosixFileType.Directory)
            {
                return new NewEntry(path, PathNames.AsDirectory(real), status);
            }
        }
        catch (PosixException e)
        {
            _options.OnWarning?.Invoke(e.Message);
        }

        return new NewEntry(path, [], IndexMerge.Synthetic(path).Status);
    }

    /// <summary>
    /// --regraft: points each graft's NEW directory in the index at OLD on disk without walking it.
    /// Records keep their state; those the next save reads are read from the new place.
    /// </summary>
    public IndexStatistics Regraft()
    {
        var stats = new IndexStatistics();
        using (var old = IndexReader.TryOpen(_indexPath))
        {
            if (old is null || old.IsEmpty)
            {
                return stats;
            }

            using var writer = new IndexWriter(_indexPath);
            CopyRegrafted(old, writer, stats);
            writer.Commit(old.ReadLinks());
            stats.Records = writer.Count;
        }

        return stats;
    }

    private void CopyRegrafted(IndexReader old, IndexWriter writer, IndexStatistics stats)
    {
        var cursor = new IndexCursor(old);
        while (cursor.MoveNext())
        {
            var record = cursor.Current!;
            var graft = _options.Grafts.FirstOrDefault(g => record.IsDirectory && record.Path.AsSpan().SequenceEqual(PathNames.AsDirectory(g.New)));
            if (graft is not null)
            {
                record.RealPath = PathNames.AsDirectory(graft.Old);
                record.Flags &= ~IndexFlags.Synthetic;
                stats.Changed++;
            }

            var ancestorOfGraft = _options.Grafts.Any(g => PathNames.AsDirectory(g.New).AsSpan().StartsWith(record.Path) && record.IsDirectory);
            if (ancestorOfGraft || graft is not null)
            {
                writer.Add(record);
                continue;
            }

            writer.CopySubtree(record, old);
            cursor.SkipSubtree();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"index updater for {NameText.Display(System.Text.Encoding.UTF8.GetBytes(_indexPath))}";
}
