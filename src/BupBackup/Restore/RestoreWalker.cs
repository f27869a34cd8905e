// The walk of bup restore (cmd/restore.py restore(): a directory is created, its entries restored,
// then its metadata applied, so its times survive; hardlinks linked when compatible).
using BupFs;
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Restore;

/// <summary>
/// Walks the nodes a path argument names in the repository view, in listing order, and hands each
/// to a sink. Every node is held by a lookup reference while it is restored, so the view may drop
/// nodes it is done with and memory stays flat. A failing entry is reported and skipped (with its
/// subtree); the walk goes on. Not thread-safe: one walk at a time.
/// </summary>
internal sealed class RestoreWalker
{
    // PATH_MAX is 4096, so no saved path nests deeper; deeper trees are hostile (and would exhaust the stack).
    private const int MaxDepth = 2100;

    private readonly RepoFileSystem _fs;
    private readonly IRestoreSink _sink;
    private readonly RestoreReport _report;
    private readonly HardlinkTracker _hardlinks = new();
    private readonly RestoreExclusions? _exclusions;

    public RestoreWalker(RepoFileSystem fs, IRestoreSink sink, RestoreReport report, RestoreExclusions? exclusions = null)
    {
        _fs = fs;
        _sink = sink;
        _report = report;
        _exclusions = exclusions is { Count: > 0 } ? exclusions : null;
    }

    /// <summary>Restores what <paramref name="request"/> names; problems are reported, not thrown.</summary>
    public void Restore(RestorePath request)
    {
        NodeAttributes top;
        try
        {
            top = _fs.ResolveAndLookup(request.Path, request.FollowFinalSymlink);
        }
        catch (FsException e)
        {
            var reason = e.Message.StartsWith(request.Display + ": ", StringComparison.Ordinal) ? e.Message[(request.Display.Length + 2)..] : e.Message;
            _report.Error($"cannot access '{request.Display}': {reason}");
            return;
        }

        try
        {
            RestoreResolved(request, top);
            _sink.Drain();
        }
        finally
        {
            _fs.Forget(top.Inode, 1);
        }
    }

    /// <summary>
    /// True for failures that concern one entry (repository or destination), not a bug. ArgumentException
    /// is among them because the POSIX layer refuses paths and targets holding NUL with it.
    /// </summary>
    public static bool IsEntryFailure(Exception e) =>
        e is IOException or FsException or InvalidDataException or UnauthorizedAccessException or ArgumentException or OverflowException;

    private void RestoreResolved(RestorePath request, NodeAttributes top)
    {
        if (request.Mode == RestorePathMode.Item)
        {
            if (!Excluded(request.Name, top.Kind))
            {
                Visit(top, request.Name, 0);
            }

            return;
        }

        try
        {
            RestoreContents(MakeItem(top, []), withSelf: request.Mode == RestorePathMode.ContentsAndSelf);
        }
        catch (Exception e) when (IsEntryFailure(e))
        {
            _report.Error($"'{request.Display}': {e.Message}");
        }
    }

    // "dir/" puts the entries straight into the destination; "dir/." then gives it dir's metadata.
    private void RestoreContents(RestoreItem self, bool withSelf)
    {
        var entries = _fs.ReadDirectory(self.Inode);
        if (!withSelf)
        {
            VisitEntries(self, entries, 0);
            return;
        }

        _sink.BeginDirectory(self);
        try
        {
            VisitEntries(self, entries, 0);
        }
        finally
        {
            _sink.EndDirectory(self);
        }
    }

    private void Visit(NodeAttributes node, byte[] relative, int depth)
    {
        try
        {
            var item = MakeItem(node, relative);
            if (item.Kind == NodeKind.Directory)
            {
                VisitDirectory(item, depth);
            }
            else
            {
                VisitLeaf(item);
            }
        }
        catch (Exception e) when (IsEntryFailure(e))
        {
            _report.Error(relative, e.Message);
        }
    }

    private void VisitDirectory(RestoreItem directory, int depth)
    {
        _report.List(1, directory.RelativePath, "/"u8);
        if (depth > MaxDepth)
        {
            throw new InvalidDataException($"refusing directories nested more than {MaxDepth} deep");
        }

        // Listed before it is created: a tree that cannot be read leaves nothing behind.
        var entries = _fs.ReadDirectory(directory.Inode);
        _sink.BeginDirectory(directory);
        try
        {
            _report.Count();
            VisitEntries(directory, entries, depth + 1);
        }
        finally
        {
            _sink.EndDirectory(directory);
        }
    }

    private void VisitEntries(RestoreItem directory, IReadOnlyList<DirectoryEntry> entries, int depth)
    {
        foreach (var entry in entries)
        {
            if (PathSafety.Problem(entry.Name) is { } problem)
            {
                var where = directory.RelativePath.Length == 0 ? "." : NameText.Display(directory.RelativePath);
                _report.Error($"{where}: {problem}");
                continue;
            }

            var relative = PathSafety.Join(directory.RelativePath, entry.Name);
            if (!Excluded(relative, entry.Attributes.Kind))
            {
                VisitChild(directory, entry.Name, relative, depth);
            }
        }
    }

    // bup checks before anything else: an excluded node is not listed, counted or read.
    private bool Excluded(byte[] relative, NodeKind kind) => _exclusions?.Excludes(relative, kind == NodeKind.Directory) == true;

    private void VisitChild(RestoreItem directory, byte[] name, byte[] relative, int depth)
    {
        NodeAttributes child;
        try
        {
            child = _fs.Lookup(directory.Inode, name);
        }
        catch (FsException e)
        {
            _report.Error(relative, e.Message);
            return;
        }

        try
        {
            Visit(child, relative, depth);
        }
        finally
        {
            _fs.Forget(child.Inode, 1);
        }
    }

    private void VisitLeaf(RestoreItem item)
    {
        var target = item.Kind == NodeKind.Symlink ? item.Metadata.SymlinkTarget ?? [] : [];
        _report.List(2, item.RelativePath, item.Kind == NodeKind.Symlink ? [.. "@ -> "u8, .. target] : []);
        if (!_hardlinks.TryLink(item, _sink))
        {
            _sink.Write(item, () => new PacedStream(_fs.OpenRead(item.Inode)));
            _hardlinks.Remember(item);
        }

        _report.Count();
    }

    private RestoreItem MakeItem(NodeAttributes node, byte[] relative)
    {
        var metadata = _fs.GetMetadata(node.Inode) ?? DefaultMetadata(node);
        CheckType(node.Kind, metadata);
        if (node.Kind == NodeKind.Symlink && metadata.SymlinkTarget is not { Length: > 0 })
        {
            metadata.SymlinkTarget = _fs.ReadLink(node.Inode); // older bup kept targets only in the git blob
        }

        return new RestoreItem(node.Inode, node.Kind, relative, metadata, _fs.GetObjectId(node.Inode));
    }

    // A directory's own record comes from its .bupm and could claim anything; one claiming a symlink
    // would make entries below it land wherever the link points.
    private static void CheckType(NodeKind kind, BupMetadata metadata)
    {
        var expected = kind.ToFileType();
        if (metadata.FileType != expected)
        {
            throw new InvalidDataException(
                $"refusing a {kind} whose metadata record has mode {Convert.ToString(metadata.Mode, 8)} (type {metadata.FileType})");
        }
    }

    // Nodes without a record (trees without .bupm, the view's own folders): bup's defaults.
    private static BupMetadata DefaultMetadata(NodeAttributes node) =>
        node.Kind == NodeKind.Directory ? MetadataDefaults.Directory() : new BupMetadata { Mode = node.Mode };
}
