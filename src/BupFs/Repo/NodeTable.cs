// Inode number -> node, with the host's lookup counts (docs/decisions/0002-inode-numbers.md;
// docs/fuse-interop.md, "Lookup counts and forget").
namespace BupFs.Repo;

/// <summary>
/// The nodes the host can address by inode number. A node enters when it is looked up, listed or
/// resolved; it stays while the host holds lookup references (<see cref="Register"/> with
/// <c>addLookup</c>, returned by <see cref="Forget"/>) or open handles. Nodes without either are
/// "idle": they remain addressable until more than the configured number of idle nodes exist, then
/// the least recently used idle node is dropped. The root is never dropped.
/// </summary>
/// <remarks>
/// Thread-safe (one lock; every operation is O(1) apart from collision probing). A candidate whose
/// preferred inode number is taken by a different identity is moved to a deterministic perturbed
/// number; such moves are remembered by identity, so the same node keeps its number for as long
/// as it is in the table.
/// </remarks>
internal sealed class NodeTable
{
    private const int MaxProbes = 64;
    private const int MinIdle = 16; // a listing or a resolution must survive its own registration
    private readonly object _lock = new();
    private readonly Dictionary<ulong, Slot> _slots = [];
    private readonly Dictionary<NodeIdentity, ulong> _moved = [];
    private readonly LinkedList<Slot> _idle = new();
    private readonly int _idleCapacity;
    private readonly Func<NodeIdentity, ulong> _preferredInode;

    /// <summary>
    /// Creates the table holding <paramref name="root"/> at inode 1. <paramref name="preferredInode"/>
    /// replaces <see cref="NodeIdentity.PreferredInode"/> (tests force collisions with it).
    /// </summary>
    public NodeTable(RepoNode root, int idleCapacity, Func<NodeIdentity, ulong>? preferredInode = null)
    {
        _preferredInode = preferredInode ?? (static identity => identity.PreferredInode());
        _idleCapacity = Math.Max(MinIdle, idleCapacity);
        root.Inode = InodeNumbers.Root;
        _slots[InodeNumbers.Root] = new Slot(root) { Pinned = true };
    }

    /// <summary>Number of nodes held (tests, diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>Number of collisions resolved by perturbation so far (tests, diagnostics).</summary>
    public int Collisions { get; private set; }

    /// <summary>
    /// Returns the node with <paramref name="candidate"/>'s identity, adding the candidate (and
    /// assigning its inode number) if there is none. <paramref name="addLookup"/> adds one host
    /// reference; otherwise the node is (or stays) idle and becomes the most recently used.
    /// </summary>
    public RepoNode Register(RepoNode candidate, bool addLookup)
    {
        lock (_lock)
        {
            var slot = FindOrAdd(candidate);
            if (addLookup)
            {
                slot.Lookups++;
                LeaveIdle(slot);
            }
            else if (slot.IdleLink is not null)
            {
                _idle.Remove(slot.IdleLink);
                _idle.AddLast(slot.IdleLink);
            }
            else if (slot.Lookups == 0 && slot.Opens == 0 && !slot.Pinned)
            {
                EnterIdle(slot);
            }

            return slot.Node;
        }
    }

    /// <summary>The node with inode <paramref name="inode"/>.</summary>
    /// <exception cref="FsException">NotFound when no such node is held.</exception>
    public RepoNode Get(ulong inode)
    {
        lock (_lock)
        {
            return _slots.TryGetValue(inode, out var slot)
                ? slot.Node
                : throw new FsException(FsError.NotFound, $"no node with inode {inode} (forgotten or never looked up)");
        }
    }

    /// <summary>Returns <paramref name="count"/> host references; extra forgets are ignored.</summary>
    public void Forget(ulong inode, ulong count)
    {
        lock (_lock)
        {
            if (_slots.TryGetValue(inode, out var slot))
            {
                slot.Lookups = count >= slot.Lookups ? 0 : slot.Lookups - count;
                MaybeIdle(slot);
            }
        }
    }

    /// <summary>The node with inode <paramref name="inode"/>, noting an open handle on it (which keeps it addressable).</summary>
    /// <exception cref="FsException">NotFound when no such node is held.</exception>
    public RepoNode Opened(ulong inode)
    {
        lock (_lock)
        {
            if (!_slots.TryGetValue(inode, out var slot))
            {
                throw new FsException(FsError.NotFound, $"no node with inode {inode} (forgotten or never looked up)");
            }

            slot.Opens++;
            LeaveIdle(slot);
            return slot.Node;
        }
    }

    /// <summary>Notes that a handle on <paramref name="inode"/> was released.</summary>
    public void Closed(ulong inode)
    {
        lock (_lock)
        {
            if (_slots.TryGetValue(inode, out var slot) && slot.Opens > 0)
            {
                slot.Opens--;
                MaybeIdle(slot);
            }
        }
    }

    /// <summary>The host references held on <paramref name="inode"/> (tests); -1 if not held.</summary>
    public long LookupCount(ulong inode)
    {
        lock (_lock)
        {
            return _slots.TryGetValue(inode, out var slot) ? (long)slot.Lookups : -1;
        }
    }

    private Slot FindOrAdd(RepoNode candidate)
    {
        var identity = candidate.Identity;
        if (_moved.TryGetValue(identity, out var movedTo) && _slots.TryGetValue(movedTo, out var moved))
        {
            return moved;
        }

        var preferred = _preferredInode(identity);
        var inode = preferred;
        for (var attempt = 1; attempt <= MaxProbes; attempt++)
        {
            if (!InodeNumbers.IsReserved(inode))
            {
                if (!_slots.TryGetValue(inode, out var slot))
                {
                    return Add(candidate, inode, inode != preferred);
                }

                if (slot.Node.Identity.Equals(identity))
                {
                    return slot;
                }

                Collisions++;
            }

            inode = InodeNumbers.Perturb(preferred, attempt);
        }

        throw new InvalidOperationException($"no free inode number near {preferred:x16} after {MaxProbes} probes");
    }

    private Slot Add(RepoNode candidate, ulong inode, bool moved)
    {
        candidate.Inode = inode;
        var slot = new Slot(candidate);
        _slots.Add(inode, slot);
        if (moved)
        {
            _moved[candidate.Identity] = inode;
        }

        return slot;
    }

    private void MaybeIdle(Slot slot)
    {
        if (slot.Lookups == 0 && slot.Opens == 0 && !slot.Pinned && slot.IdleLink is null)
        {
            EnterIdle(slot);
        }
    }

    private void EnterIdle(Slot slot)
    {
        slot.IdleLink = _idle.AddLast(slot);
        while (_idle.Count > _idleCapacity && _idle.First is { } oldest)
        {
            Drop(oldest.Value);
        }
    }

    private void LeaveIdle(Slot slot)
    {
        if (slot.IdleLink is not null)
        {
            _idle.Remove(slot.IdleLink);
            slot.IdleLink = null;
        }
    }

    private void Drop(Slot slot)
    {
        LeaveIdle(slot);
        _slots.Remove(slot.Node.Inode);
        _moved.Remove(slot.Node.Identity);
    }

    private sealed class Slot(RepoNode node)
    {
        public RepoNode Node { get; } = node;

        public ulong Lookups { get; set; }

        public int Opens { get; set; }

        public bool Pinned { get; init; }

        public LinkedListNode<Slot>? IdleLink { get; set; }
    }
}
