using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// Reads objects from a repository's objects folder: every pack (deltas included, bases found in
/// any pack) and loose objects. The pack view is refreshed when an object is not found or a pack
/// vanished (another process repacked), so a long-lived reader such as a mount keeps working.
/// </summary>
/// <remarks>Thread-safe. Memory does not grow with the repository: idx, midx and bloom are mapped.</remarks>
public sealed class ObjectStore : IDisposable
{
    private const int MaxDeltaChain = 10_000;

    private readonly string _objectsDir;
    private readonly object _refreshLock = new();
    private readonly List<(DateTime When, IDisposable Item)> _retired = [];
    private PackSet _packs;
    private long _generation;
    private PackQuarantine _quarantine;
    private string _quarantineStamp;
    private readonly string? _quarantineDir;

    /// <summary>Opens the store of <paramref name="objectsDir"/> (the repository's objects folder).</summary>
    public ObjectStore(string objectsDir)
    {
        _objectsDir = objectsDir;
        PackDir = Path.Combine(objectsDir, "pack");
        _packs = PackSetLoader.Load(PackDir, new Dictionary<string, PackEntry>());
        // The quarantine file lives in the git directory; a bare objects folder (tests, tools) keeps it in memory.
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(objectsDir));
        _quarantineDir = Path.GetFileName(full) == "objects" ? Path.GetDirectoryName(full) : null;
        _quarantineStamp = QuarantineStamp();
        _quarantine = _quarantineDir is null ? PackQuarantine.Empty : PackQuarantine.Load(_quarantineDir);
    }

    /// <summary>The packs recorded as damaged, as this store last read or wrote the quarantine file.</summary>
    public PackQuarantine Quarantine => Volatile.Read(ref _quarantine);

    /// <summary>objects/pack.</summary>
    public string PackDir { get; }

    /// <summary>Increases each time the pack view is rebuilt.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>True when the object is in a pack (as bup checks: loose objects are not consulted).</summary>
    /// A copy only in a quarantined pack counts as absent, so writers store the object again.
    public bool ContainsInPacks(ObjectId id) =>
        _packs.TryLocate(id, out var pack, out _) && (!IsQuarantined(pack) || _packs.TryLocateAvoiding(id, IsQuarantined, out _, out _));

    /// <summary>True when the object is in a pack or loose.</summary>
    public bool Contains(ObjectId id) =>
        ContainsInPacks(id) || File.Exists(LooseObject.PathFor(_objectsDir, id)) || (Refresh() && ContainsInPacks(id));

    /// <summary>Reads an object; throws <see cref="ObjectNotFoundException"/> when absent.</summary>
    public GitObject Read(ObjectId id) =>
        TryRead(id, out var obj) ? obj : throw new ObjectNotFoundException(id);

    /// <summary>Reads an object; false when it is in no pack and not loose.</summary>
    public bool TryRead(ObjectId id, out GitObject obj) => TryRead(id, out obj, pinned: false);

    /// <summary>
    /// Reads an object; false when absent. <paramref name="pinned"/> puts the data on the
    /// pinned-object heap, for callers that keep it in a cache (see <see cref="PackFile.Inflate"/>).
    /// </summary>
    public bool TryRead(ObjectId id, out GitObject obj, bool pinned)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return TryReadOnce(id, out obj, pinned);
            }
            catch (Exception e) when (attempt == 0 && e is FileNotFoundException or DirectoryNotFoundException)
            {
                // A pack disappeared under us (git gc / repack): look again with a fresh view.
                Refresh();
            }
        }
    }

    private bool TryReadOnce(ObjectId id, out GitObject obj, bool pinned)
    {
        if (_packs.TryLocate(id, out var pack, out var offset, expectPresent: true))
        {
            obj = ReadCopy(id, pack, offset, pinned);
            return true;
        }

        if (LooseObject.TryRead(_objectsDir, id, out var type, out var data))
        {
            Verify(type, data, id, LooseObject.PathFor(_objectsDir, id), -1);
            obj = new GitObject(type, data);
            return true;
        }

        if (Refresh() && _packs.TryLocate(id, out pack, out offset))
        {
            obj = ReadCopy(id, pack, offset, pinned);
            return true;
        }

        obj = null!;
        return false;
    }

    /// <summary>
    /// Inflates blob <paramref name="id"/> straight into <paramref name="destination"/> when it is
    /// stored whole in a pack with exactly that size. False otherwise (absent, loose, deltified, of
    /// another type or size): the caller then reads it the general way, which reports what is wrong.
    /// </summary>
    /// <exception cref="CorruptObjectException">The bytes found do not hash to <paramref name="id"/>
    /// (the destination then holds them, and the caller must not pass them on).</exception>
    public bool TryReadBlobInto(ObjectId id, Span<byte> destination)
    {
        try
        {
            return _packs.TryLocate(id, out var pack, out var offset, expectPresent: true)
                && !IsQuarantined(pack) && TryInflateBlobInto(id, pack, offset, destination);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false; // a repack removed the pack: the general path refreshes the view
        }
    }

    // A damaged copy is reported; when another pack has the id, declined for the general path to
    // read that copy, else the error stands.
    private bool TryInflateBlobInto(ObjectId id, PackEntry pack, long offset, Span<byte> destination)
    {
        try
        {
            if (!pack.Pack.TryInflateBlobInto(offset, destination))
            {
                return false;
            }

            // Hashed here, on the thread that inflated it, while the chunk is still in its cache.
            Verify(ObjectType.Blob, destination, id, pack.Pack.Path, offset);
            return true;
        }
        catch (CorruptObjectException e)
        {
            ReportDamage(pack.Pack, e.Message);
            if (_packs.TryLocateAvoiding(id, IsQuarantined, out _, out _))
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>
    /// Reads the copy at <paramref name="pack"/>/<paramref name="offset"/>, preferring a copy outside the
    /// quarantine; a copy found corrupt is reported (<see cref="ReportDamage"/>) and another pack's copy,
    /// if any, is read instead.
    /// </summary>
    private GitObject ReadCopy(ObjectId id, PackEntry pack, long offset, bool pinned)
    {
        if (IsQuarantined(pack) && _packs.TryLocateAvoiding(id, IsQuarantined, out var good, out var goodOffset))
        {
            (pack, offset) = (good, goodOffset);
        }

        try
        {
            return ReadEntry(pack.Pack, offset, id, pinned);
        }
        catch (CorruptObjectException e)
        {
            ReportDamage(pack.Pack, e.Message);
            if (_packs.TryLocateAvoiding(id, p => ReferenceEquals(p, pack) || IsQuarantined(p), out var other, out var otherOffset))
            {
                return ReadEntry(other.Pack, otherOffset, id, pinned);
            }

            throw;
        }
    }

    private bool IsQuarantined(PackEntry pack)
    {
        var q = Quarantine;
        return q.Packs.Count != 0 && q.Contains(pack.PackPath);
    }

    /// <summary>
    /// Records <paramref name="pack"/> as damaged (the quarantine file; docs/DESIGN.md "Repair and
    /// quarantine"): from now on writers store its objects again and readers prefer other copies.
    /// Every read path that catches a <see cref="CorruptObjectException"/> from a pack calls this,
    /// including an id that does not match its content. Never throws for an unwritable repository.
    /// </summary>
    public void ReportDamage(PackFile pack, string reason) => ReportDamage(pack.Path, reason);

    /// <summary>As <see cref="ReportDamage(PackFile, string)"/>, by the pack's (or its idx's) path, for checkers that hold no <see cref="PackFile"/>.</summary>
    public void ReportDamage(string packPath, string reason)
    {
        if (!Quarantine.Contains(packPath))
        {
            ChangeQuarantine(q => q.WithPack(packPath, reason));
            Warn($"{Path.GetFileName(packPath)} quarantined as damaged ({reason}): new saves store its objects again; 'bupfs fsck --repair' recovers what it can");
        }
    }

    /// <summary>
    /// Drops the quarantine's lost ids that a pack holds again (a save wrote them anew), so saves stop
    /// checking reused files in depth once nothing is missing (see <see cref="ReuseGuard"/>).
    /// </summary>
    public void ForgetRewritten()
    {
        if (Quarantine.LostIds.Any(id => ContainsInPacks(id)))
        {
            ChangeQuarantine(q => q.Entries.Where(e => e.Kind != QuarantineEntry.LostKind || !ObjectId.TryParse(e.Name, out var id) || !ContainsInPacks(id)));
        }
    }

    /// <summary>Rewrites the quarantine file with <paramref name="change"/> and uses the result at once.</summary>
    internal void ChangeQuarantine(Func<PackQuarantine, IEnumerable<QuarantineEntry>> change)
    {
        lock (_refreshLock)
        {
            var next = _quarantineDir is null ? new PackQuarantine([.. change(Quarantine)]) : PackQuarantine.Update(_quarantineDir, change, Warn);
            Volatile.Write(ref _quarantine, next);
            _quarantineStamp = QuarantineStamp();
        }
    }

    /// <summary>
    /// Receives the store's notices (a pack quarantined, a quarantine file that cannot be written).
    /// Null by default: a read that fails already reports its error in one line, and commands that
    /// act on the quarantine (fsck, save) set this to tell the user.
    /// </summary>
    public Action<string>? Warning { get; set; }

    private void Warn(string message) => Warning?.Invoke(message);

    // Size and time of the quarantine file: another process may have changed it.
    private string QuarantineStamp()
    {
        if (_quarantineDir is null)
        {
            return string.Empty;
        }

        var f = new FileInfo(PackQuarantine.PathOf(_quarantineDir));
        return f.Exists ? $"{f.Length} {f.LastWriteTimeUtc.Ticks}" : string.Empty;
    }

    private void ReloadQuarantineIfChanged()
    {
        var stamp = QuarantineStamp();
        if (stamp != _quarantineStamp)
        {
            _quarantineStamp = stamp;
            Volatile.Write(ref _quarantine, PackQuarantine.Load(_quarantineDir!));
        }
    }

    /// <summary>
    /// Throws unless (<paramref name="type"/>, <paramref name="data"/>) hashes to <paramref name="id"/>:
    /// an idx entry pointing at another object's offset, a damaged midx or a loose file under the
    /// wrong name would otherwise hand out another object's bytes as if they were this one's.
    /// </summary>
    private static void Verify(ObjectType type, ReadOnlySpan<byte> data, ObjectId id, string where, long offset)
    {
        var actual = ObjectHasher.Compute(type, data);
        if (actual != id)
        {
            var at = offset >= 0 ? $" at {offset}" : "";
            throw new CorruptObjectException(where, $"object {id}{at}: content hashes to {actual}");
        }
    }

    /// <summary>Reads an object that must have the given type.</summary>
    public byte[] Read(ObjectId id, ObjectType expected, bool pinned = false)
    {
        var obj = TryRead(id, out var found, pinned) ? found : throw new ObjectNotFoundException(id);
        return obj.Type == expected ? obj.Data : throw new WrongObjectTypeException(id, expected, obj.Type);
    }

    /// <summary>Reads and parses a tree.</summary>
    public List<TreeEntry> ReadTree(ObjectId id) => TreeCodec.Parse(Read(id, ObjectType.Tree), $"tree {id}");

    /// <summary>Reads and parses a commit.</summary>
    public Commit ReadCommit(ObjectId id) => CommitCodec.Parse(Read(id, ObjectType.Commit), $"commit {id}");

    /// <summary>Rebuilds the pack view if objects/pack changed; true when it did.</summary>
    public bool Refresh()
    {
        lock (_refreshLock)
        {
            ReloadQuarantineIfChanged();
            var old = _packs;
            if (!PackSetLoader.HasChanged(PackDir, old))
            {
                return false;
            }

            var next = PackSetLoader.Load(PackDir, old.ByName);
            RetireUnused(old, next);
            _packs = next;
            Interlocked.Increment(ref _generation);
            return true;
        }
    }

    private void RetireUnused(PackSet old, PackSet next)
    {
        // Readers may still hold parts of the old view, so dispose them only much later.
        var now = DateTime.UtcNow;
        foreach (var item in PackSetLoader.Unused(old, next))
        {
            _retired.Add((now, item));
        }

        foreach (var r in _retired.Where(r => now - r.When > TimeSpan.FromMinutes(10)).ToList())
        {
            r.Item.Dispose();
            _retired.Remove(r);
        }
    }

    /// <summary>
    /// Resolves the entry at <paramref name="offset"/> of <paramref name="pack"/> into its final object,
    /// following delta chains (REF_DELTA bases from any pack), and checks that it is object
    /// <paramref name="id"/>: content that hashes to another id throws <see cref="CorruptObjectException"/>.
    /// </summary>
    public GitObject ReadEntry(PackFile pack, long offset, ObjectId id, bool pinned = false)
    {
        var obj = ResolveEntry(pack, offset, id, pinned);
        Verify(obj.Type, obj.Data, id, pack.Path, offset);
        return obj;
    }

    /// <summary>
    /// As <see cref="ReadEntry"/> without the id check, for callers that compute the id themselves
    /// (fsck, which reports a mismatch in its own words, and an idx rebuilt from its pack, where the
    /// id is not known yet). <paramref name="id"/> only names the entry in errors.
    /// </summary>
    public GitObject ReadEntryUnverified(PackFile pack, long offset, ObjectId id) => ResolveEntry(pack, offset, id, pinned: false);

    private GitObject ResolveEntry(PackFile pack, long offset, ObjectId id, bool pinned)
    {
        var header = pack.ReadHeader(offset);
        if (header.Type is not (ObjectType.OfsDelta or ObjectType.RefDelta))
        {
            return new GitObject(header.Type, pack.Inflate(offset, header, pinned)); // bup never deltifies
        }

        var chain = new List<(PackFile Pack, long Offset, PackObjectHeader Header)>();
        var current = pack;
        GitObject? baseObject = null;
        while (header.Type is ObjectType.OfsDelta or ObjectType.RefDelta)
        {
            if (chain.Count >= MaxDeltaChain)
            {
                throw new CorruptObjectException(current.Path, $"delta chain of {id} too long or circular", offset);
            }

            chain.Add((current, offset, header));
            if (header.Type == ObjectType.RefDelta)
            {
                baseObject = ReadRefBase(header.BaseId, id);
                break;
            }

            offset = header.BaseOffset;
            header = current.ReadHeader(offset);
        }

        baseObject ??= new GitObject(header.Type, current.Inflate(offset, header));
        return ApplyChain(baseObject, chain, id);
    }

    private GitObject ReadRefBase(ObjectId baseId, ObjectId id)
    {
        if (baseId == id)
        {
            throw new CorruptObjectException($"object {id}", "delta against itself");
        }

        return TryRead(baseId, out var b) ? b : throw new ObjectNotFoundException(baseId, $"delta base of {id}");
    }

    private static GitObject ApplyChain(GitObject baseObject, List<(PackFile Pack, long Offset, PackObjectHeader Header)> chain, ObjectId id)
    {
        var data = baseObject.Data;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var (pack, offset, header) = chain[i];
            var delta = pack.Inflate(offset, header);
            data = DeltaCodec.Apply(data, delta, $"{pack.Path}: object {id} at {offset}");
        }

        return new GitObject(baseObject.Type, data);
    }

    /// <summary>Every pack in the current view (for fsck and maintenance).</summary>
    public IReadOnlyList<(PackIndex Index, PackFile Pack)> ListPacks() =>
        _packs.ByName.Values.OrderBy(p => p.IdxName, StringComparer.Ordinal).Select(p => (p.Index, p.Pack)).ToList();

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var p in _packs.ByName.Values)
        {
            p.Dispose();
        }

        foreach (var m in _packs.Midx)
        {
            m.Dispose();
        }

        _packs.Bloom?.Dispose();
        foreach (var r in _retired)
        {
            r.Item.Dispose();
        }
    }
}
