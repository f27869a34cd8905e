using System.Collections.Concurrent;
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// A file's chunk tree as bup's hashsplit writes it (_make_shalist, _squish): entry names are hex
/// offsets, the first 0 and each next one where the previous entry's content ends; leaves are blobs
/// (mode 100644), inner nodes trees (40000), names and modes by the readers' rule (<see cref="ChunkTree"/>). Returns the content size; sizes are remembered per tree,
/// since files share subtrees. Missing chunks are all reported even after the offsets stop adding up.
/// </summary>
internal sealed class ChunkTreeCheck
{
    private const long Broken = -1;

    // bup's fanout makes a few levels; a hostile repository could nest trees until the stack overflows.
    private const int MaxDepth = 64;
    private readonly WalkObjects _objects;
    private readonly FsckReport _report;
    private readonly ConcurrentDictionary<ObjectId, long> _sizes = new();

    public ChunkTreeCheck(WalkObjects objects, FsckReport report)
    {
        _objects = objects;
        _report = report;
    }

    /// <summary>Chunk trees checked.</summary>
    public long Count => _sizes.Count;

    /// <summary>True when <paramref name="entries"/> look like a chunk tree (a split branch's root) rather than a directory.</summary>
    public static bool LooksLikeChunkTree(IReadOnlyList<TreeEntry> entries) =>
        entries.Count > 0 && entries.All(e => TryOffset(e.Name, out _)) && TryOffset(entries[0].Name, out var first) && first == 0;

    /// <summary>The content size of chunk tree <paramref name="id"/> (known to be a present tree), or null when it is inconsistent.</summary>
    public long? Size(ObjectId id) => Size(id, 0);

    private long? Size(ObjectId id, int depth)
    {
        if (_sizes.TryGetValue(id, out var known))
        {
            return known == Broken ? null : known;
        }

        var size = depth > MaxDepth ? Bad(id, "nested too deep") : Compute(id, depth);
        _sizes[id] = size ?? Broken;
        return size;
    }

    private long? Compute(ObjectId id, int depth)
    {
        var entries = _objects.ReadTree(id);
        if (entries is null)
        {
            return null;
        }

        long position = 0;
        var consistent = true;
        foreach (var entry in entries)
        {
            var size = Entry(id, entry, consistent ? position : -1, depth);
            consistent &= size is not null;
            position += size ?? 0;
        }

        return consistent ? position : null;
    }

    // The entry's content size when it is where it should be; position -1: offsets already failed.
    private long? Entry(ObjectId tree, TreeEntry entry, long position, int depth)
    {
        long? size = entry.Mode switch
        {
            GitFileMode.Tree => _objects.Expect(tree, entry, ObjectType.Tree) is null ? null : Size(entry.Id, depth + 1),
            _ when ChunkTree.IsEntryMode(entry.Mode) => _objects.Expect(tree, entry, ObjectType.Blob),
            _ => Bad(tree, $"entry '{entry.DisplayName}' has mode {Convert.ToString((int)entry.Mode, 8)}, not a chunk or subtree"),
        };
        if (position < 0 || size is null)
        {
            return null;
        }

        if (!TryOffset(entry.Name, out var offset))
        {
            return Bad(tree, $"entry '{entry.DisplayName}' is not a hex offset");
        }

        return offset == position
            ? size
            : Bad(tree, $"entry '{entry.DisplayName}' starts at {offset}, but the entries before it end at {position}");
    }

    private long? Bad(ObjectId tree, string what)
    {
        _report.Add(FsckProblemKind.BadChunkTree, $"chunk tree {tree}: {what}", tree);
        return null;
    }

    // The readers' own rule (ChunkTree), so fsck passes exactly the chunk trees they accept.
    private static bool TryOffset(byte[] name, out long offset) => ChunkTree.TryParseOffset(name, out offset);
}
