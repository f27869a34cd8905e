using BupStore.Objects;
using BupStore.Repository.Fsck;

namespace BupStore.Repository;

/// <summary>
/// bupfs fsck: what <c>git fsck --strict --full</c> checks plus bup's own structure, reading only
/// (nothing in the repository is changed, so it can run after a repair to list what is lost).
/// <list type="number">
/// <item>Packs: each with its idx; idx checksum, pack trailer and count; every object's CRC-32 and
/// id; commits, trees and tags by git --strict's syntax rules; loose objects (<see cref="PackPass"/>).</item>
/// <item>midx and bloom against the idx files they cover (<see cref="AcceleratorCheck"/>).</item>
/// <item>Refs, packed-refs and HEAD (<see cref="RefCheck"/>).</item>
/// <item>Everything reachable from the refs: present, of the right type, chunk trees consistent,
/// .bupm decodable and paired with its directory (<see cref="ReachabilityWalk"/>).</item>
/// <item>When anything was found: where each problem object shows in the saves (<see cref="PathFinder"/>).</item>
/// </list>
/// <see cref="FsckOptions.Quick"/> stops after the pack checksums and the refs.
/// </summary>
public static class RepositoryChecker
{
    /// <summary>Checks <paramref name="repo"/> with <paramref name="options"/>.</summary>
    public static FsckReport Run(Repository repo, FsckOptions options)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(options);
        var report = new FsckReport { PackBytes = PackPass.TotalBytes(repo.PackDir) };
        using var catalog = new ObjectCatalog();
        new PackPass(repo, options, report, catalog).Run();
        if (options.Quick)
        {
            new RefCheck(repo, report, id => QuickTypeOf(repo, id)).Run();
            return report;
        }

        new AcceleratorCheck(repo.PackDir, report).Run();
        var objects = new WalkObjects(repo, catalog, report);
        var refs = new RefCheck(repo, report, id => catalog.Lookup(id, out var type, out _) == ObjectState.Present ? type : null).Run();
        new ReachabilityWalk(objects, report).Run(refs);
        var problems = report.ById;
        if (problems.Count > 0)
        {
            new PathFinder(objects, problems, options.MaxPathsPerProblem).Run(refs);
        }

        return report;
    }

    // Without the pack pass there is no catalog: read the object (a damaged one counts as absent).
    private static ObjectType? QuickTypeOf(Repository repo, ObjectId id)
    {
        try
        {
            return repo.Objects.TryRead(id, out var obj) ? obj.Type : null;
        }
        catch (Exception e) when (e is RepositoryException or IOException)
        {
            return null;
        }
    }
}
