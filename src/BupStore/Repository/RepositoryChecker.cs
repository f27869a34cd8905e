using System.IO.Hashing;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// bup fsck without par2: every idx checksum, every pack trailer and header count, and (unless
/// quick) every object's CRC-32 and id recomputed from its resolved content; loose objects; and
/// refs that must name existing commits. Reads only: nothing in the repository is changed.
/// </summary>
public sealed class RepositoryChecker
{
    private readonly Repository _repo;

    /// <summary>Checks <paramref name="repo"/>.</summary>
    public RepositoryChecker(Repository repo)
    {
        _repo = repo;
    }

    /// <summary>Called after each pack with its name and object count (progress).</summary>
    public Action<string, long>? OnPack { get; init; }

    /// <summary>Runs every check; <paramref name="quick"/> skips per-object verification.</summary>
    public FsckReport Run(bool quick)
    {
        var report = new FsckReport();
        foreach (var idxPath in Directory.EnumerateFiles(_repo.PackDir, "*.idx").Order(StringComparer.Ordinal))
        {
            CheckPack(idxPath, quick, report);
            report.Packs++;
        }

        if (!quick)
        {
            CheckLoose(report);
        }

        CheckRefs(report);
        return report;
    }

    private void CheckPack(string idxPath, bool quick, FsckReport report)
    {
        try
        {
            using var idx = PackIndex.Open(idxPath);
            using var pack = PackFile.Open(Path.ChangeExtension(idxPath, ".pack"));
            // Even when the pack checksum fails, go on to name the objects that are damaged.
            CheckContainers(idx, pack, report);
            if (quick)
            {
                return;
            }

            report.Objects += CheckObjects(idx, pack, report);
            OnPack?.Invoke(Path.GetFileName(pack.Path), idx.Count);
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            report.Add($"{idxPath}: {e.Message}");
        }
    }

    private static void CheckContainers(PackIndex idx, PackFile pack, FsckReport report)
    {
        if (!idx.VerifyChecksum())
        {
            report.Add($"{idx.Path}: idx checksum mismatch");
        }

        if (pack.Count != idx.Count)
        {
            report.Add($"{pack.Path}: header says {pack.Count} objects, idx lists {idx.Count}");
        }

        if (pack.ReadTrailer() != idx.PackChecksum)
        {
            report.Add($"{pack.Path}: trailer does not match the checksum recorded in {Path.GetFileName(idx.Path)}");
        }

        if (!pack.VerifyTrailer())
        {
            report.Add($"{pack.Path}: pack checksum mismatch (the pack is damaged)");
        }
    }

    private long CheckObjects(PackIndex idx, PackFile pack, FsckReport report)
    {
        var byOffset = Enumerable.Range(0, idx.Count).Select(i => (Offset: idx.GetOffset(i), Index: i)).OrderBy(x => x.Offset).ToArray();
        Parallel.For(0, byOffset.Length, k =>
        {
            var (offset, i) = byOffset[k];
            var end = k + 1 < byOffset.Length ? byOffset[k + 1].Offset : pack.DataEnd;
            CheckObject(idx, pack, i, offset, end, report);
        });
        return byOffset.Length;
    }

    private void CheckObject(PackIndex idx, PackFile pack, int i, long offset, long end, FsckReport report)
    {
        var id = idx.GetId(i);
        try
        {
            if (idx.HasCrc32 && (end - offset > int.MaxValue || Crc32.HashToUInt32(pack.ReadRaw(offset, (int)(end - offset))) != idx.GetCrc32(i)))
            {
                report.Add($"{pack.Path}: object {id} at {offset}: CRC-32 mismatch");
                return;
            }

            var obj = _repo.Objects.ReadEntry(pack, offset, id);
            var actual = ObjectHasher.Compute(obj.Type, obj.Data);
            if (actual != id)
            {
                report.Add($"{pack.Path}: object {id} at {offset}: content hashes to {actual}");
            }
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            report.Add($"{pack.Path}: object {id} at {offset}: {e.Message}");
        }
    }

    private void CheckLoose(FsckReport report)
    {
        foreach (var dir in Directory.EnumerateDirectories(_repo.ObjectsDir, "??"))
        {
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var hex = Path.GetFileName(dir) + Path.GetFileName(file);
                if (!ObjectId.TryParse(hex, out var id))
                {
                    continue;
                }

                CheckLooseObject(id, file, report);
            }
        }
    }

    private void CheckLooseObject(ObjectId id, string file, FsckReport report)
    {
        try
        {
            if (LooseObject.TryRead(_repo.ObjectsDir, id, out var type, out var data) && ObjectHasher.Compute(type, data) != id)
            {
                report.Add($"{file}: loose object content does not hash to {id}");
            }

            report.Objects++;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            report.Add($"{file}: {e.Message}");
        }
    }

    private void CheckRefs(FsckReport report)
    {
        foreach (var (name, id) in _repo.Refs.List("refs/"))
        {
            try
            {
                var obj = _repo.Objects.Read(id);
                if (name.StartsWith("refs/heads/", StringComparison.Ordinal) && obj.Type != ObjectType.Commit)
                {
                    report.Add($"ref {name}: names a {obj.Type.ToString().ToLowerInvariant()} {id}, not a commit");
                }
            }
            catch (Exception e) when (e is RepositoryException or IOException)
            {
                report.Add($"ref {name}: {e.Message}");
            }
        }
    }
}
