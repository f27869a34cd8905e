using System.Globalization;
using System.Text;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Hashsplit;

/// <summary>
/// Groups chunk blobs into bup's fanout trees (hashsplit.py _squish/_make_shalist; docs/formats/hashsplit.md,
/// "Fanout: grouping chunks into trees" to "Single blob or tree"): a chunk of level L closes the open groups of levels below L, a group reaching 256
/// entries closes at once, and a group of one is promoted instead of wrapped. Entry names are the
/// hex offsets within their tree, zero-padded to the width of the tree's total size.
/// </summary>
/// <remarks>Not thread-safe. Memory is O(256 x depth), independent of the file size.</remarks>
public sealed class ChunkTreeBuilder
{
    private const int MaxPerTree = 256;

    private readonly Func<ObjectType, byte[], ObjectId> _write;
    private readonly List<List<Item>> _stacks = [[]];

    /// <summary>
    /// Creates a builder that stores each tree body, and the empty blob when a file has no data,
    /// through <paramref name="write"/>.
    /// </summary>
    public ChunkTreeBuilder(Func<ObjectType, byte[], ObjectId> write)
    {
        _write = write;
    }

    /// <summary>Total bytes of the chunks added so far.</summary>
    public long Size { get; private set; }

    /// <summary>Adds the next chunk (a blob already stored) with its split level.</summary>
    public void Add(ObjectId blob, int size, int level)
    {
        _stacks[0].Add(new Item(GitFileMode.Regular, blob, size));
        Size += size;
        Squish(level);
    }

    /// <summary>bup split -t: the top list always wrapped in a tree (the empty tree for no data).</summary>
    public ObjectId FinishTree()
    {
        var top = Fold();
        return _write(ObjectType.Tree, MakeTreeBody(top));
    }

    /// <summary>
    /// bup save / split -n: the empty blob for no data, the single entry itself when everything
    /// folded into one, else a tree.
    /// </summary>
    public (GitFileMode Mode, ObjectId Id) FinishBlobOrTree()
    {
        var top = Fold();
        return top.Count switch
        {
            // Stored, not only named: a tree must never point at an object the repository lacks.
            0 => (GitFileMode.Regular, _write(ObjectType.Blob, [])),
            1 => (top[0].Mode, top[0].Id),
            _ => (GitFileMode.Tree, _write(ObjectType.Tree, MakeTreeBody(top))),
        };
    }

    private List<Item> Fold()
    {
        Squish(_stacks.Count - 1);
        return _stacks[^1];
    }

    private void Squish(int n)
    {
        for (var i = 0; i < n || _stacks[i].Count >= MaxPerTree; i++)
        {
            if (_stacks.Count <= i + 1)
            {
                _stacks.Add([]);
            }

            var level = _stacks[i];
            if (level.Count == 1)
            {
                _stacks[i + 1].Add(level[0]);
            }
            else if (level.Count > 1)
            {
                var size = level.Sum(x => x.Size);
                _stacks[i + 1].Add(new Item(GitFileMode.Tree, _write(ObjectType.Tree, MakeTreeBody(level)), size));
            }

            _stacks[i] = [];
        }
    }

    private static byte[] MakeTreeBody(List<Item> items)
    {
        var total = items.Sum(x => x.Size);
        var width = total == 0 ? 1 : total.ToString("x", CultureInfo.InvariantCulture).Length;
        var entries = new List<TreeEntry>(items.Count);
        long offset = 0;
        foreach (var item in items)
        {
            var name = Encoding.ASCII.GetBytes(offset.ToString("x", CultureInfo.InvariantCulture).PadLeft(width, '0'));
            entries.Add(new TreeEntry(item.Mode, name, item.Id));
            offset += item.Size;
        }

        return TreeCodec.Format(entries);
    }

    private readonly record struct Item(GitFileMode Mode, ObjectId Id, long Size);
}
