using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>Runs the checker with a progress bar in pack bytes and prints its problems and summary on stderr.</summary>
public static class FsckRun
{
    /// <summary>Checks <paramref name="repo"/> and prints the report; the caller turns it into the exit status.</summary>
    public static FsckReport Check(BupStore.Repository.Repository repo, bool quick, bool verbose, bool quiet)
    {
        FsckReport report;
        using (var bar = new ProgressBar("fsck", FsckTotal(repo), quiet || verbose))
        {
            report = RepositoryChecker.Run(repo, new FsckOptions
            {
                Quick = quick,
                OnProgress = bytes => bar.Add(bytes),
                OnPack = verbose ? (name, n) => Console.Error.WriteLine($"checked {name}: {n} objects") : null,
            });
        }

        foreach (var problem in report.Problems)
        {
            Console.Error.WriteLine($"bupfs fsck: {problem}");
        }

        if (!quiet)
        {
            var verdict = report.Clean ? "no damage found" : $"{report.Problems.Count} problem(s)";
            var walked = quick ? string.Empty : $", {report.Commits} commits, {report.Trees} trees";
            Console.Error.WriteLine($"{report.Packs} packs, {report.Objects} objects{walked} checked: {verdict}");
        }

        return report;
    }

    /// <summary>
    /// Records every pack the check found damaged in the quarantine, so the next save stores their
    /// objects again instead of deduplicating against a copy that cannot be read back.
    /// </summary>
    public static void Quarantine(BupStore.Repository.Repository repo, FsckReport report)
    {
        var damaged = report.Problems
            .Where(p => p.Kind is FsckProblemKind.PackFile or FsckProblemKind.DamagedObject && p.Pack is not null && IsReadablePack(p.Pack))
            .GroupBy(p => p.Pack!, StringComparer.Ordinal);
        foreach (var pack in damaged)
        {
            repo.Objects.ReportDamage(pack.Key, pack.First().Message);
        }
    }

    // Only a pack readers can reach (its idx present) is worth quarantining; one without idx is already unused.
    private static bool IsReadablePack(string path) =>
        path.EndsWith(".pack", StringComparison.Ordinal) && File.Exists(Path.ChangeExtension(path, ".idx"));

    private static long FsckTotal(BupStore.Repository.Repository repo) =>
        Directory.Exists(repo.PackDir) ? Directory.EnumerateFiles(repo.PackDir, "*.pack").Sum(p => new FileInfo(p).Length) : 0;
}
