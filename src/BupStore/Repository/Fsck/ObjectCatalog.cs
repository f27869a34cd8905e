using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// The type and size of every object the pack pass verified, one byte and one int per object held
/// by idx position (no id is stored twice), so the walk can check that an entry names an object
/// of the right type and size without inflating blobs again. Objects whose check failed are
/// marked damaged; ids in no idx (a deleted idx, a pack without idx) are missing.
/// </summary>
internal sealed class ObjectCatalog : IDisposable
{
    private const byte Damaged = 0xFF;
    private readonly List<Slot> _packs = [];
    private readonly Dictionary<ObjectId, (ObjectType Type, long Size)> _loose = [];
    [ThreadStatic]
    private static int _lastHit;

    /// <summary>Registers a pack's idx; returns its slot for <see cref="Record"/>.</summary>
    public int AddPack(PackIndex idx, PackFile pack)
    {
        lock (_packs)
        {
            _packs.Add(new Slot(idx, pack, new byte[idx.Count], new int[idx.Count]));
            return _packs.Count - 1;
        }
    }

    /// <summary>Records what the pack pass found for object <paramref name="index"/> of pack <paramref name="slot"/>.</summary>
    public void Record(int slot, int index, ObjectType type, long size)
    {
        var s = _packs[slot];
        s.Types[index] = (byte)type;
        s.Sizes[index] = (int)Math.Min(size, int.MaxValue);
    }

    /// <summary>Marks object <paramref name="index"/> of pack <paramref name="slot"/> as damaged.</summary>
    public void RecordDamaged(int slot, int index) => _packs[slot].Types[index] = Damaged;

    /// <summary>Records a loose object that hashed correctly.</summary>
    public void RecordLoose(ObjectId id, ObjectType type, long size)
    {
        lock (_loose)
        {
            _loose[id] = (type, size);
        }
    }

    /// <summary>
    /// What is known of <paramref name="id"/>: <see cref="ObjectState.Missing"/>,
    /// <see cref="ObjectState.Damaged"/>, or present with its type and size (a size of
    /// int.MaxValue means "at least").
    /// </summary>
    public ObjectState Lookup(ObjectId id, out ObjectType type, out long size)
    {
        type = ObjectType.None;
        size = 0;
        var found = Find(id, out var slot, out var index);
        if (!found)
        {
            return FindLoose(id, out type, out size);
        }

        var raw = _packs[slot].Types[index];
        if (raw == Damaged || raw == 0)
        {
            // 0: the pack pass did not reach it (its pack failed to open): as good as damaged.
            return ObjectState.Damaged;
        }

        type = (ObjectType)raw;
        size = _packs[slot].Sizes[index];
        return ObjectState.Present;
    }

    private ObjectState FindLoose(ObjectId id, out ObjectType type, out long size)
    {
        lock (_loose)
        {
            if (_loose.TryGetValue(id, out var entry))
            {
                (type, size) = entry;
                return ObjectState.Present;
            }
        }

        type = ObjectType.None;
        size = 0;
        return ObjectState.Missing;
    }

    // Chunks of one file usually sit in one pack, so the pack of the last hit is tried first.
    private bool Find(ObjectId id, out int slot, out int index)
    {
        var packs = _packs;
        var first = _lastHit < packs.Count ? _lastHit : 0;
        for (var k = 0; k < packs.Count; k++)
        {
            slot = (first + k) % packs.Count;
            index = packs[slot].Index.FindIndex(id);
            if (index >= 0)
            {
                _lastHit = slot;
                return true;
            }
        }

        slot = index = -1;
        return false;
    }

    public void Dispose()
    {
        foreach (var slot in _packs)
        {
            slot.Index.Dispose();
            slot.Pack.Dispose();
        }
    }

    /// <summary>
    /// Reads an object through the idx files the pack pass checked, never through a midx or bloom
    /// (which may be the damaged part), or loose; false when it is in none.
    /// </summary>
    public bool TryRead(ObjectId id, ObjectStore store, string objectsDir, out GitObject obj)
    {
        if (Find(id, out var slot, out var index))
        {
            var s = _packs[slot];
            obj = store.ReadEntry(s.Pack, s.Index.GetOffset(index), id);
            return true;
        }

        if (LooseObject.TryRead(objectsDir, id, out var type, out var data))
        {
            obj = new GitObject(type, data);
            return true;
        }

        obj = null!;
        return false;
    }

    private sealed record Slot(PackIndex Index, PackFile Pack, byte[] Types, int[] Sizes);
}
