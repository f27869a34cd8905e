using System.Globalization;
using System.IO.Hashing;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// bupfs fsck --repair without par2 (as borg's and restic's repair): every pack whose checksum or
/// any object (CRC-32, zlib, id) fails is quarantined, each of its objects that still reads back
/// whole and hashes to its id is written into a new pack (published whole before anything moves),
/// then the damaged pack, its idx and par2 files are moved into REPO/bupfs-damaged/TIME/ (never
/// deleted), and midx and bloom are rebuilt from the packs that remain. Objects no copy could give
/// back are listed (<see cref="RepairReport.LostIds"/>) and recorded in the quarantine file, so the
/// next save writes them again (docs/DESIGN.md, "Repair and quarantine").
/// </summary>
public sealed class PackRepair
{
    /// <summary>The folder in the git directory that receives damaged packs.</summary>
    public const string DamagedFolder = "bupfs-damaged";

    private readonly Repository _repo;

    /// <summary>Repairs <paramref name="repo"/>, which must be writable.</summary>
    public PackRepair(Repository repo)
    {
        _repo = repo;
    }

    /// <summary>Called after each pack is checked, with its stem and the damage found (null when sound).</summary>
    public Action<string, string?>? OnPack { get; init; }

    /// <summary>Checks every pack and repairs the damaged ones.</summary>
    public RepairReport Run()
    {
        var report = new RepairReport();
        RebuildBrokenIdx(report);
        var damaged = FindDamaged(report);
        foreach (var (stem, reason) in damaged)
        {
            _repo.Objects.ChangeQuarantine(q => q.WithPack(stem + ".pack", reason));
        }

        if (damaged.Count > 0)
        {
            Recover(damaged.Keys, report);
            MoveAside(damaged.Keys, report);
        }

        if (damaged.Count > 0 || report.RebuiltIdx.Count > 0)
        {
            RebuildIndexes();
        }

        RecordOutcome(report);
        return report;
    }

    /// <summary>
    /// A sound pack whose idx is missing or damaged gets a new idx from the pack itself (the damaged
    /// idx moved aside first); a pack that is itself damaged is left to the salvage.
    /// </summary>
    private void RebuildBrokenIdx(RepairReport report)
    {
        foreach (var packPath in Directory.EnumerateFiles(_repo.PackDir, "*.pack").Order(StringComparer.Ordinal))
        {
            var idxPath = Path.ChangeExtension(packPath, ".idx");
            if (IdxMatches(idxPath, packPath) is not { } problem || !PackIsSound(packPath))
            {
                continue;
            }

            try
            {
                if (File.Exists(idxPath))
                {
                    SetAside(_repo.GitDir, [idxPath]);
                }

                PackIndexRebuild.Write(_repo.Objects, packPath);
                report.RebuiltIdx.Add(PackQuarantine.Stem(packPath));
                report.Say($"{PackQuarantine.Stem(packPath)}: {problem}; idx rebuilt from the pack");
            }
            catch (Exception e) when (e is RepositoryException or IOException)
            {
                report.Say($"{PackQuarantine.Stem(packPath)}: {problem}; cannot rebuild it: {e.Message}");
            }
        }
    }

    /// <summary>Null when the idx exists, is intact and belongs to the pack; else what is wrong.</summary>
    private static string? IdxMatches(string idxPath, string packPath)
    {
        if (!File.Exists(idxPath))
        {
            return "idx missing";
        }

        try
        {
            using var idx = PackIndex.Open(idxPath);
            using var pack = PackFile.Open(packPath);
            return !idx.VerifyChecksum() ? "idx checksum mismatch"
                : idx.PackChecksum != pack.ReadTrailer() || idx.Count != pack.Count ? "idx does not describe its pack"
                : null;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            return e.Message;
        }
    }

    private static bool PackIsSound(string packPath)
    {
        try
        {
            using var pack = PackFile.Open(packPath);
            return pack.VerifyTrailer();
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            return false;
        }
    }

    private Dictionary<string, string> FindDamaged(RepairReport report)
    {
        var damaged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var packPath in Directory.EnumerateFiles(_repo.PackDir, "*.pack").Order(StringComparer.Ordinal))
        {
            var stem = PackQuarantine.Stem(packPath);
            var reason = CheckPack(_repo, Path.ChangeExtension(packPath, ".idx"), quick: false);
            report.PacksChecked++;
            OnPack?.Invoke(stem, reason);
            if (reason is not null)
            {
                damaged[stem] = reason;
                report.Say($"{stem}: damaged: {reason}");
            }
        }

        return damaged;
    }

    /// <summary>
    /// The first damage found in a pack and its idx, or null when both are sound: checksums and count,
    /// then (unless <paramref name="quick"/>) every object's CRC-32, zlib stream and id, on every core.
    /// </summary>
    public static string? CheckPack(Repository repo, string idxPath, bool quick)
    {
        try
        {
            using var idx = PackIndex.Open(idxPath);
            using var pack = PackFile.Open(Path.ChangeExtension(idxPath, ".pack"));
            return CheckContainers(idx, pack) ?? (quick ? null : CheckObjects(repo.Objects, idx, pack));
        }
        catch (Exception e) when (e is RepositoryException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private static string? CheckContainers(PackIndex idx, PackFile pack) =>
        !idx.VerifyChecksum() ? "idx checksum mismatch"
        : pack.Count != idx.Count ? $"pack header says {pack.Count} objects, idx lists {idx.Count}"
        : pack.ReadTrailer() != idx.PackChecksum ? "pack trailer differs from the checksum its idx records"
        : !pack.VerifyTrailer() ? "pack checksum mismatch"
        : null;

    private static string? CheckObjects(ObjectStore store, PackIndex idx, PackFile pack)
    {
        var byOffset = OffsetOrder(idx);
        string? first = null;
        Parallel.For(0, byOffset.Length, (k, loop) =>
        {
            var end = k + 1 < byOffset.Length ? byOffset[k + 1].Offset : pack.DataEnd;
            if (CheckObject(store, idx, pack, byOffset[k].Index, byOffset[k].Offset, end) is { } bad)
            {
                Interlocked.CompareExchange(ref first, bad, null);
                loop.Stop();
            }
        });
        return first;
    }

    private static (long Offset, int Index)[] OffsetOrder(PackIndex idx) =>
        [.. Enumerable.Range(0, idx.Count).Select(i => (Offset: idx.GetOffset(i), Index: i)).OrderBy(x => x.Offset)];

    private static string? CheckObject(ObjectStore store, PackIndex idx, PackFile pack, int i, long offset, long end)
    {
        var id = idx.GetId(i);
        if (idx.HasCrc32 && (end - offset > int.MaxValue || Crc32.HashToUInt32(pack.ReadRaw(offset, (int)(end - offset))) != idx.GetCrc32(i)))
        {
            return $"object {id} at {offset}: CRC-32 mismatch";
        }

        return TryReadVerified(store, pack, offset, id, out _, out var why) ? null : $"object {id} at {offset}: {why}";
    }

    private static bool TryReadVerified(ObjectStore store, PackFile pack, long offset, ObjectId id, out GitObject obj, out string why)
    {
        try
        {
            // ReadEntry checks the content against the id itself (a mismatch throws).
            obj = store.ReadEntry(pack, offset, id);
            why = string.Empty;
            return true;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            (obj, why) = (null!, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Copies every object of the damaged packs that no sound pack holds and that still verifies
    /// into new packs. An object lost in one damaged pack may be whole in another, so the lost set
    /// is only decided once all of them were read.
    /// </summary>
    private void Recover(IEnumerable<string> stems, RepairReport report)
    {
        var candidates = new HashSet<ObjectId>();
        using var writer = _repo.CreateWriter(new WriterOptions { UpdateIndexes = false });
        foreach (var stem in stems)
        {
            RecoverPack(Path.Combine(_repo.PackDir, stem + ".idx"), writer, candidates, report);
        }

        writer.Close();
        report.NewPacks.AddRange(writer.Packs.Select(PackQuarantine.Stem));
        foreach (var id in candidates.Where(id => !writer.Exists(id) && !IsLoose(id)))
        {
            report.Lose(id);
        }
    }

    private void RecoverPack(string idxPath, ObjectWriter writer, HashSet<ObjectId> candidates, RepairReport report)
    {
        PackIndex idx;
        try
        {
            idx = PackIndex.Open(idxPath);
        }
        catch (Exception e) when (e is RepositoryException or IOException or UnauthorizedAccessException)
        {
            // Without a readable idx the pack's ids are unknown: it is kept aside whole for a later look.
            report.Say($"{PackQuarantine.Stem(idxPath)}: cannot list its objects ({e.Message}); nothing recovered from it");
            return;
        }

        using (idx)
        {
            RecoverListed(idx, idxPath, writer, candidates, report);
        }
    }

    // The idx names the pack's objects even when the pack cannot be read at all; those not held
    // elsewhere are then lost, and must be counted so (a pack that cannot be opened loses them all).
    private void RecoverListed(PackIndex idx, string idxPath, ObjectWriter writer, HashSet<ObjectId> candidates, RepairReport report)
    {
        try
        {
            using var pack = PackFile.Open(Path.ChangeExtension(idxPath, ".pack"));
            foreach (var (offset, i) in OffsetOrder(idx))
            {
                RecoverObject(pack, offset, idx.GetId(i), writer, candidates, report);
            }
        }
        catch (Exception e) when (e is RepositoryException or IOException or UnauthorizedAccessException)
        {
            report.Say($"{PackQuarantine.Stem(idxPath)}: cannot read the pack ({e.Message}); its objects held nowhere else are lost");
            foreach (var id in Enumerable.Range(0, idx.Count).Select(idx.GetId).Where(id => !candidates.Contains(id)))
            {
                if (writer.Exists(id) || IsLoose(id))
                {
                    report.AlreadyElsewhere++;
                }
                else
                {
                    candidates.Add(id);
                }
            }
        }
    }

    private void RecoverObject(PackFile pack, long offset, ObjectId id, ObjectWriter writer, HashSet<ObjectId> candidates, RepairReport report)
    {
        if (writer.Exists(id) || IsLoose(id))
        {
            report.AlreadyElsewhere++;
        }
        else if (TryReadVerified(_repo.Objects, pack, offset, id, out var obj, out var why))
        {
            writer.Write(obj.Type, obj.Data);
            report.Recovered++;
        }
        else
        {
            candidates.Add(id);
            report.Say($"{PackQuarantine.Stem(pack.Path)}: object {id} at {offset}: {why}");
        }
    }

    private bool IsLoose(ObjectId id) => File.Exists(LooseObject.PathFor(_repo.ObjectsDir, id));

    /// <summary>Moves each damaged pack with its idx and par2 files into one new folder; renames only.</summary>
    private void MoveAside(IEnumerable<string> stems, RepairReport report)
    {
        // The pack goes last: a pack without its idx is ignored by git and bup, the reverse is not.
        var files = stems.SelectMany(stem => Directory.EnumerateFiles(_repo.PackDir, stem + ".*").OrderBy(f => f.EndsWith(".pack", StringComparison.Ordinal))).ToList();
        report.DamagedDir = SetAside(_repo.GitDir, files);
        report.MovedPacks.AddRange(stems);
    }

    /// <summary>
    /// Moves <paramref name="files"/> (in order) into a new REPO/bupfs-damaged/TIME/ folder, by rename
    /// only, and syncs both folders; returns that folder. Also for the damaged originals par2 repair
    /// leaves beside a repaired pack (pack-X.pack.1).
    /// </summary>
    public static string SetAside(string gitDir, IReadOnlyList<string> files)
    {
        var dir = Path.Combine(gitDir, DamagedFolder, DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        foreach (var file in files)
        {
            File.Move(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        Durable.SyncDirectory(dir);
        Durable.SyncDirectory(Path.GetDirectoryName(dir)!);
        foreach (var from in files.Select(Path.GetDirectoryName).Distinct())
        {
            Durable.SyncDirectory(from!);
        }

        return dir;
    }

    /// <summary>midx and bloom only accelerate: drop those naming moved packs and rebuild from what remains.</summary>
    private void RebuildIndexes()
    {
        MidxMaintenance.RemoveStale(_repo.PackDir);
        MidxMaintenance.Auto(_repo.PackDir);
        BloomMaintenance.Update(_repo.PackDir, force: true);
        _repo.Objects.Refresh();
    }

    /// <summary>
    /// The quarantine after a repair: no pack lines (each pack is now sound or moved aside), the ids
    /// lost now, and those lost earlier that no save has written again yet.
    /// </summary>
    private void RecordOutcome(RepairReport report)
    {
        var now = DateTimeOffset.UtcNow;
        var lostNow = report.LostIds.Select(id => new QuarantineEntry(QuarantineEntry.LostKind, id.ToString(), now, "lost by fsck --repair"));
        _repo.Objects.ChangeQuarantine(q =>
        {
            var stillLost = q.Entries.Where(e => e.Kind == QuarantineEntry.LostKind && ObjectId.TryParse(e.Name, out var id) && !_repo.Objects.Contains(id));
            return stillLost.Concat(lostNow).DistinctBy(e => e.Name);
        });
    }
}
