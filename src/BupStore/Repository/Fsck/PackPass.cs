using System.IO.Hashing;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// The first pass (bup fsck without par2, plus git's per-object syntax checks): every pack has its
/// idx and every idx its pack; idx checksum, pack trailer and header count; then (unless quick)
/// every object's CRC-32 and id recomputed from its resolved content on all cores, each commit,
/// tree and tag checked by git --strict's rules, and its type and size recorded in the catalog.
/// </summary>
internal sealed class PackPass
{
    private readonly Repository _repo;
    private readonly FsckOptions _options;
    private readonly FsckReport _report;
    private readonly ObjectCatalog _catalog;

    public PackPass(Repository repo, FsckOptions options, FsckReport report, ObjectCatalog catalog)
    {
        _repo = repo;
        _options = options;
        _report = report;
        _catalog = catalog;
    }

    /// <summary>Total bytes of the pack files that will be read (for progress).</summary>
    public static long TotalBytes(string packDir) =>
        Directory.Exists(packDir) ? Directory.EnumerateFiles(packDir, "*.pack").Sum(p => new FileInfo(p).Length) : 0;

    public void Run()
    {
        CheckPairs();
        var idxFiles = Directory.Exists(_repo.PackDir)
            ? Directory.EnumerateFiles(_repo.PackDir, "*.idx").Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var idxPath in idxFiles)
        {
            if (File.Exists(Path.ChangeExtension(idxPath, ".pack")))
            {
                CheckPack(idxPath);
                _report.Packs++;
            }
        }

        if (!_options.Quick)
        {
            CheckLoose();
        }
    }

    // A pack without idx: no reader can find its objects; an idx without pack: they cannot be read.
    private void CheckPairs()
    {
        if (!Directory.Exists(_repo.PackDir))
        {
            return;
        }

        foreach (var pack in Directory.EnumerateFiles(_repo.PackDir, "*.pack").Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.ChangeExtension(pack, ".idx")))
            {
                _report.Add(FsckProblemKind.PackFile, $"{pack}: pack without idx (its objects cannot be found)", pack: pack);
            }
        }

        foreach (var idx in Directory.EnumerateFiles(_repo.PackDir, "*.idx").Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.ChangeExtension(idx, ".pack")))
            {
                _report.Add(FsckProblemKind.PackFile, $"{idx}: idx without pack (its objects cannot be read)", pack: idx);
            }
        }
    }

    private void CheckPack(string idxPath)
    {
        try
        {
            using var idx = PackIndex.Open(idxPath);
            using var pack = PackFile.Open(Path.ChangeExtension(idxPath, ".pack"));
            // Even when the pack checksum fails, go on to name the objects that are damaged. The
            // whole-pack SHA-1 is one sequential stream: it runs beside the per-object checks.
            CheckContainers(idx, pack);
            var trailer = Task.Run(() => CheckTrailer(pack));
            try
            {
                if (_options.Quick)
                {
                    _options.OnProgress?.Invoke(pack.Length);
                    return;
                }

                _report.Objects += CheckObjects(idx, pack, AddToCatalog(idxPath));
                _options.OnPack?.Invoke(Path.GetFileName(pack.Path), idx.Count);
            }
            finally
            {
                trailer.GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            _report.Add(FsckProblemKind.PackFile, $"{idxPath}: {e.Message}", pack: idxPath);
        }
    }

    // The catalog keeps its own handles: the walk reads through them after this pack's are closed.
    private int AddToCatalog(string idxPath)
    {
        var idx = PackIndex.Open(idxPath);
        try
        {
            return _catalog.AddPack(idx, PackFile.Open(Path.ChangeExtension(idxPath, ".pack")));
        }
        catch
        {
            idx.Dispose();
            throw;
        }
    }

    private void CheckContainers(PackIndex idx, PackFile pack)
    {
        if (!idx.VerifyChecksum())
        {
            _report.Add(FsckProblemKind.PackFile, $"{idx.Path}: idx checksum mismatch", pack: idx.Path);
        }

        if (pack.Count != idx.Count)
        {
            _report.Add(FsckProblemKind.PackFile, $"{pack.Path}: header says {pack.Count} objects, idx lists {idx.Count}", pack: pack.Path);
        }

        if (pack.ReadTrailer() != idx.PackChecksum)
        {
            _report.Add(FsckProblemKind.PackFile, $"{pack.Path}: trailer does not match the checksum recorded in {Path.GetFileName(idx.Path)}", pack: pack.Path);
        }

    }

    private void CheckTrailer(PackFile pack)
    {
        if (!pack.VerifyTrailer())
        {
            _report.Add(FsckProblemKind.PackFile, $"{pack.Path}: pack checksum mismatch (the pack is damaged)", pack: pack.Path);
        }
    }

    private long CheckObjects(PackIndex idx, PackFile pack, int slot)
    {
        var byOffset = Enumerable.Range(0, idx.Count).Select(i => (Offset: idx.GetOffset(i), Index: i)).OrderBy(x => x.Offset).ToArray();
        Parallel.For(0, byOffset.Length, k =>
        {
            var (offset, i) = byOffset[k];
            var end = k + 1 < byOffset.Length ? byOffset[k + 1].Offset : pack.DataEnd;
            if (!CheckObject(idx, pack, i, offset, end, slot))
            {
                _catalog.RecordDamaged(slot, i);
            }

            _options.OnProgress?.Invoke(end - offset);
        });
        _options.OnProgress?.Invoke(PackFile.HeaderLength + (pack.Length - pack.DataEnd));
        return byOffset.Length;
    }

    private bool CheckObject(PackIndex idx, PackFile pack, int i, long offset, long end, int slot)
    {
        var id = idx.GetId(i);
        try
        {
            if (idx.HasCrc32 && (end - offset > int.MaxValue || Crc32.HashToUInt32(pack.ReadRaw(offset, (int)(end - offset))) != idx.GetCrc32(i)))
            {
                _report.Add(FsckProblemKind.DamagedObject, $"{pack.Path}: object {id} at {offset}: CRC-32 mismatch", id, pack.Path);
                return false;
            }

            var obj = _repo.Objects.ReadEntryUnverified(pack, offset, id);
            var actual = ObjectHasher.Compute(obj.Type, obj.Data);
            if (actual != id)
            {
                _report.Add(FsckProblemKind.DamagedObject, $"{pack.Path}: object {id} at {offset}: content hashes to {actual}", id, pack.Path);
                return false;
            }

            _catalog.Record(slot, i, obj.Type, obj.Data.Length);
            ObjectSyntax.Check(id, obj, _report);
            return true;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            _report.Add(FsckProblemKind.DamagedObject, $"{pack.Path}: object {id} at {offset}: {e.Message}", id, pack.Path);
            return false;
        }
    }

    private void CheckLoose()
    {
        foreach (var dir in Directory.EnumerateDirectories(_repo.ObjectsDir, "??"))
        {
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var hex = Path.GetFileName(dir) + Path.GetFileName(file);
                if (ObjectId.TryParse(hex, out var id))
                {
                    CheckLooseObject(id, file);
                }
            }
        }
    }

    private void CheckLooseObject(ObjectId id, string file)
    {
        try
        {
            if (LooseObject.TryRead(_repo.ObjectsDir, id, out var type, out var data))
            {
                if (ObjectHasher.Compute(type, data) != id)
                {
                    _report.Add(FsckProblemKind.DamagedObject, $"{file}: loose object content does not hash to {id}", id);
                    return;
                }

                _catalog.RecordLoose(id, type, data.Length);
                ObjectSyntax.Check(id, new GitObject(type, data), _report);
            }

            _report.Objects++;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            _report.Add(FsckProblemKind.DamagedObject, $"{file}: {e.Message}", id);
        }
    }
}
