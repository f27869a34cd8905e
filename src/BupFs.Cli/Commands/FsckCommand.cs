using System.CommandLine;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>bupfs fsck: verify packs, idx files, every object id, loose objects and refs; non-zero exit naming what is damaged.</summary>
public static class FsckCommand
{
    private static readonly Option<bool> Quick = new("--quick") { Description = "only check pack and idx checksums, not every object" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "name each pack as it is checked" };
    private static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "print only problems" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("fsck", "check the repository for damage (pack checksums, object ids, refs)") { Quick, Verbose, Quiet };
        FsckRepair.AddOptions(command);
        command.SetAction(r =>
        {
            using var repo = GlobalOptions.OpenRepo(r);
            if (FsckRepair.Run(r, repo, r.GetValue(Quick), r.GetValue(Verbose)) is { } recoveryExit)
            {
                return recoveryExit;
            }

            var checker = new RepositoryChecker(repo)
            {
                OnPack = r.GetValue(Verbose) ? (name, n) => Console.Error.WriteLine($"checked {name}: {n} objects") : null,
            };
            var report = checker.Run(r.GetValue(Quick));
            foreach (var problem in report.Problems)
            {
                Console.Error.WriteLine($"bupfs fsck: {problem}");
            }

            if (!r.GetValue(Quiet))
            {
                Console.Error.WriteLine($"{report.Packs} packs, {report.Objects} objects checked: {(report.Clean ? "no damage found" : $"{report.Problems.Count} problem(s)")}");
            }

            return report.Clean ? 0 : 1;
        });
        return command;
    }
}
