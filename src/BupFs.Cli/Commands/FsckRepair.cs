using System.CommandLine;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>
/// The recovery half of bupfs fsck: bup's -g (par2 recovery files), -r/--repair (par2 repair where
/// recovery files exist, then for any pack still damaged, salvage: quarantine, recover what verifies
/// into a new pack, move the damaged pack aside, rebuild midx and bloom; see <see cref="PackRepair"/>)
/// and -j. Without -g or -r, packs that have recovery files are also checked by par2 verify, as bup
/// does, before the full check.
/// </summary>
public static class FsckRepair
{
    private static readonly Option<bool> Generate = new("--generate", "-g") { Description = "write par2 recovery files for packs that lack them (as bup fsck -g)" };
    private static readonly Option<bool> Repair = new("--repair", "-r")
    {
        Description = "repair with par2 where recovery files exist, then move any pack still damaged aside into REPO/bupfs-damaged/, keeping every object that verifies",
    };

    private static readonly Option<int?> Jobs = new("--jobs", "-j") { Description = "packs checked at once (default: one per core)" };
    private static readonly Option<bool> Par2Ok = new("--par2-ok") { Description = "only exit 0 if par2 is usable, 1 if not (as bup fsck --par2-ok)" };
    private static readonly Option<bool> DisablePar2 = new("--disable-par2") { Description = "ignore par2 even if it is available" };

    /// <summary>Adds the options to the fsck command.</summary>
    public static void AddOptions(Command command)
    {
        command.Options.Add(Generate);
        command.Options.Add(Repair);
        command.Options.Add(Jobs);
        command.Options.Add(Par2Ok);
        command.Options.Add(DisablePar2);
    }

    /// <summary>bup's exit status once par2 has repaired a pack.</summary>
    public const int RepairedExit = 100;

    /// <summary>
    /// For fsck -r when the repository cannot be opened because an idx is damaged: bup's fsck works
    /// on pack files without opening the repository, so its par2 repair reaches that idx; this
    /// repairs, by par2, every pack whose recovery files are whole and whose par2 verify fails, so
    /// the repository can be opened for the rest. Returns how many were repaired.
    /// </summary>
    public static int RepairBeforeOpen(ParseResult r, string repoPath)
    {
        var packDir = Path.Combine(repoPath, "objects", "pack");
        if (!r.GetValue(Repair) || !Directory.Exists(packDir) || FindPar2(warn: false, r.GetValue(DisablePar2)) is not { } par2)
        {
            return 0;
        }

        var repaired = 0;
        foreach (var stem in Directory.EnumerateFiles(packDir, "*.pack").Order(StringComparer.Ordinal).Select(p => p[..^5]))
        {
            if (Par2.RecoveryFileStatus(stem, _ => { }) == true && par2.Verify(stem) != 0 && par2.Repair(stem) == 0)
            {
                Console.Error.WriteLine($"{Path.GetFileName(stem)} par2 repair: succeeded (0)");
                repaired++;
            }
        }

        return repaired;
    }

    /// <summary>
    /// bup's --par2-ok: the exit status alone says whether par2 runs (0) or not (1, after the
    /// warning bup prints); null when the option is not given. Checked before the repository is
    /// opened and before --disable-par2, as bup does.
    /// </summary>
    public static int? Par2OkStatus(ParseResult r) => r.GetValue(Par2Ok) ? FindPar2(warn: true, disabled: false) is null ? 1 : 0 : null;

    /// <summary>
    /// bup's loop over the packs given by name (pack, idx, par2 or stem paths; see FsckPackNames):
    /// verify each, by par2 where it has recovery files, and with -g/-r generate or repair; no
    /// repository-wide check or salvage follows.
    /// </summary>
    public static int RunNamed(ParseResult r, Repository repo, IReadOnlyList<string> stems, bool quick, bool verbose)
    {
        var generate = r.GetValue(Generate);
        var repair = r.GetValue(Repair);
        var par2 = FindPar2(warn: generate || repair, r.GetValue(DisablePar2));
        return new FsckPar2(repo, par2, generate, repair, quick, verbose, JobCount(r)) { Stems = stems }.Run();
    }

    // bup warns and goes on without recovery when par2 is missing, rather than failing (bup/cmd/fsck.py par2_setup).
    private static Par2? FindPar2(bool warn, bool disabled)
    {
        var par2 = Par2.Find(out _);
        if (par2 is null && warn)
        {
            Console.Error.WriteLine("bupfs fsck: warning: par2 not found; disabling recovery features.");
        }

        return disabled ? null : par2;
    }

    private static int JobCount(ParseResult r) => Math.Max(1, r.GetValue(Jobs) ?? Environment.ProcessorCount);

    /// <summary>
    /// Runs -g/-r when given and returns the exit status; otherwise verifies packs that have par2
    /// files (reporting failures, whose status is <paramref name="verified"/>) and returns null,
    /// for fsck to go on with its checks.
    /// </summary>
    public static int? Run(ParseResult r, Repository repo, bool quick, bool verbose, out int verified)
    {
        verified = 0;
        var generate = r.GetValue(Generate);
        var repair = r.GetValue(Repair);
        var jobs = JobCount(r);
        var par2 = FindPar2(warn: generate || repair, r.GetValue(DisablePar2));

        if (!generate && !repair)
        {
            // bup's status: par2 verify's failure, or an incomplete recovery set, though the packs check out.
            verified = par2 is not null && AnyPar2(repo)
                ? new FsckPar2(repo, par2, generate: false, repair: false, quick, verbose, jobs).Run()
                : FsckPar2.CheckRecoverySets(Directory.EnumerateFiles(repo.PackDir, "*.pack").Order(StringComparer.Ordinal).Select(p => p[..^5]));
            return null;
        }

        var run = new FsckPar2(repo, par2, generate, repair, quick, verbose, jobs);
        var code = run.Run();
        return repair ? Salvage(repo, run, code) : code;
    }

    private static bool AnyPar2(Repository repo) => Directory.EnumerateFiles(repo.PackDir, "*.par2").Any();

    /// <summary>After par2 did what it could: salvage every pack still damaged; report; exit status.</summary>
    private static int Salvage(Repository repo, FsckPar2 par2Run, int par2Code)
    {
        repo.Objects.Refresh();
        var report = new PackRepair(repo).Run();
        foreach (var line in report.Messages)
        {
            Console.Error.WriteLine($"bupfs fsck: {line}");
        }

        if (report.MovedPacks.Count > 0)
        {
            Console.Error.WriteLine(
                $"bupfs fsck: moved {report.MovedPacks.Count} damaged pack(s) to {report.DamagedDir}; {report.Recovered} object(s) recovered into "
                + $"{string.Join(", ", report.NewPacks)}, {report.AlreadyElsewhere} held by other packs, {report.LostIds.Count} lost");
        }

        foreach (var id in report.LostIds)
        {
            Console.Out.WriteLine($"lost {id}");
        }

        if (report.LostIds.Count > 0)
        {
            // The full check names every save and path that now misses an object.
            Console.Error.WriteLine("bupfs fsck: what the lost objects leave incomplete:");
            FsckRun.Check(repo, quick: false, verbose: false, quiet: true);
        }

        // Objects an earlier repair lost stay missing until a save writes them again: still not repaired.
        var earlier = repo.Objects.Quarantine.LostIds.Count() - report.LostIds.Count;
        if (earlier > 0)
        {
            Console.Error.WriteLine($"bupfs fsck: {earlier} object(s) lost by an earlier repair are still missing");
        }

        // bup: a par2 repair exits 100; a salvage that kept everything counts as a repair too.
        return report.LostIds.Count > 0 || earlier > 0 ? 1 : !report.Clean || par2Run.Repaired.Count > 0 ? RepairedExit : par2Code;
    }
}
