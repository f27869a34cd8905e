using BupStore.Formats;
using BupStore.Objects;
using BupStore.Saves;

namespace BupBackup.Save;

/// <summary>
/// The directories of the save from the root down to where the current entry goes (bup save's
/// stack of StackDirs). Leaving a directory turns it into its .bupm and tree and adds that tree to
/// its parent. Levels are compared by name only, as bup does, so sources that strip or graft to
/// the same place share directories.
/// </summary>
/// <remarks>Not thread-safe; used by the tree-building thread only.</remarks>
internal sealed class TreeStack
{
    private readonly List<StackDirectory> _levels = [];
    private readonly ConcurrentObjectWriter _writer;
    private readonly Action<byte[], ObjectId> _onTree;
    private readonly Action<string> _warn;
    private ArchiveComponent? _firstRoot;
    private bool _rootCollision;

    /// <param name="writer">Where trees and .bupm blobs go.</param>
    /// <param name="onTree">Told the tree of each finished level that stands for an index directory.</param>
    /// <param name="warn">Receives duplicate-name errors.</param>
    public TreeStack(ConcurrentObjectWriter writer, Action<byte[], ObjectId> onTree, Action<string> warn)
    {
        _writer = writer;
        _onTree = onTree;
        _warn = warn;
    }

    /// <summary>The innermost open directory.</summary>
    public StackDirectory Top => _levels[^1];

    /// <summary>Number of open levels.</summary>
    public int Depth => _levels.Count;

    /// <summary>
    /// Leaves the levels that are not on <paramref name="components"/> and opens the missing ones,
    /// taking each new level's metadata and index directory from <paramref name="open"/>.
    /// </summary>
    public void MoveTo(List<ArchiveComponent> components, Func<ArchiveComponent, int, (BupMetadata? Metadata, byte[]? IndexPath)> open)
    {
        NoteRoot(components[0]);
        var keep = 0;
        while (keep < _levels.Count && keep < components.Count && _levels[keep].Component.Name.AsSpan().SequenceEqual(components[keep].Name))
        {
            keep++;
        }

        while (_levels.Count > keep)
        {
            Pop();
        }

        for (var i = keep; i < components.Count; i++)
        {
            var (metadata, indexPath) = open(components[i], i);
            _levels.Add(new StackDirectory(components[i], metadata, indexPath));
        }
    }

    private void NoteRoot(ArchiveComponent root)
    {
        if (_firstRoot is null)
        {
            _firstRoot = root;
        }
        else if (!_firstRoot.Value.SameAs(root))
        {
            _rootCollision = true;
        }
    }

    /// <summary>Leaves levels below the root while <paramref name="predicate"/> holds for the innermost.</summary>
    public void PopWhile(Func<StackDirectory, bool> predicate)
    {
        while (_levels.Count > 1 && predicate(Top))
        {
            Pop();
        }
    }

    /// <summary>Closes every level and returns the root tree (bup: empty root metadata when sources collide at the root).</summary>
    public ObjectId Finish()
    {
        if (_levels.Count == 0)
        {
            _levels.Add(new StackDirectory(new ArchiveComponent([], null), null, null));
        }

        while (_levels.Count > 1)
        {
            Pop();
        }

        if (_rootCollision)
        {
            Top.Metadata = null;
        }

        return Pop();
    }

    private ObjectId Pop()
    {
        var dir = _levels[^1];
        _levels.RemoveAt(_levels.Count - 1);
        var tree = Build(dir);
        if (_levels.Count > 0)
        {
            Top.Items.Add(new SaveTreeEntry(dir.Component.Name, true, GitFileMode.Tree, tree, null));
            Top.Incomplete |= dir.Incomplete;
        }

        if (dir.IndexPath is not null && !dir.Incomplete)
        {
            _onTree(dir.IndexPath, tree);
        }

        return tree;
    }

    private ObjectId Build(StackDirectory dir) => SaveTreeWriter.Write(_writer, dir.Metadata, Distinct(dir));

    private List<SaveTreeEntry> Distinct(StackDirectory dir)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<SaveTreeEntry>(dir.Items.Count);
        foreach (var item in dir.Items)
        {
            if (seen.Add(Convert.ToBase64String(item.Name)))
            {
                result.Add(item);
                continue;
            }

            var parent = string.Join("/", _levels.Select(l => NameText.Display(l.Component.Name)).Append(NameText.Display(dir.Component.Name)));
            _warn($"error: ignoring duplicate path {NameText.Display(item.Name)} in {parent}/");
            dir.Incomplete = true;
        }

        return result;
    }
}
