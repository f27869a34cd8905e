using System.CommandLine;
using BupStore.Formats;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs fsck: git fsck --strict --full's checks plus bup's structure (see RepositoryChecker); non-zero
/// exit naming what is damaged and where. Given pack files by name, it checks only those, as bup fsck
/// does (see FsckRepair.RunNamed); --par2-ok only says whether par2 can be run.
/// </summary>
public static class FsckCommand
{
    private static readonly Option<bool> Quick = new("--quick") { Description = "only check pack and idx checksums and refs, not every object and save" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "name each pack as it is checked" };
    private static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "print only problems" };
    private static readonly Argument<string[]> Files = new("filenames") { Description = "check only these packs (pack, idx or par2 paths), as bup fsck does", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("fsck", "check the repository for damage (packs, objects, refs, saves, midx and bloom); repair with par2 or by salvaging") { Quick, Verbose, Quiet, Files };
        FsckRepair.AddOptions(command);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        if (FsckRepair.Par2OkStatus(r) is { } par2Ok)
        {
            return par2Ok;
        }

        var stems = FsckPackNames.Stems(r.GetValue(Files) ?? []);
        var repairedFirst = 0;
        Repository repo;
        try
        {
            repo = stems.Count > 0 && RepositoryOfPack(r, stems[0]) is { } holding ? holding : GlobalOptions.OpenRepo(r);
        }
        // The filter repairs by par2 (fsck -r only); opening is tried again only if something was repaired.
        catch (CorruptObjectException) when ((repairedFirst = FsckRepair.RepairBeforeOpen(r, GlobalOptions.RepoPath(r))) > 0)
        {
            repo = GlobalOptions.OpenRepo(r);
        }

        using (repo)
        {
            var code = Check(r, repo, stems);
            return code == 0 && repairedFirst > 0 ? FsckRepair.RepairedExit : code;
        }
    }

    /// <summary>
    /// bup checks named packs without a repository; bupfs reads them through one. When -d/$BUP_DIR
    /// names none, the repository the first pack sits in (REPO/objects/pack/) serves; else null.
    /// </summary>
    private static Repository? RepositoryOfPack(ParseResult r, string stem)
    {
        try
        {
            GlobalOptions.CheckRepo(GlobalOptions.RepoPath(r));
            return null;
        }
        catch (CliException)
        {
            var holder = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(stem))!, "..", ".."));
            return Directory.Exists(Path.Combine(holder, "objects", "pack")) ? Repository.Open(holder) : null;
        }
    }

    private static int Check(ParseResult r, Repository repo, List<string> stems)
    {
        repo.Objects.Warning = message => Console.Error.WriteLine($"bupfs fsck: warning: {message}");
        if (stems.Count > 0)
        {
            return FsckRepair.RunNamed(r, repo, stems, r.GetValue(Quick), r.GetValue(Verbose));
        }

        if (FsckRepair.Run(r, repo, r.GetValue(Quick), r.GetValue(Verbose), out var verified) is { } recoveryExit)
        {
            return recoveryExit;
        }

        var report = FsckRun.Check(repo, r.GetValue(Quick), r.GetValue(Verbose), r.GetValue(Quiet));
        FsckRun.Quarantine(repo, report);
        return verified != 0 ? verified : report.Clean ? 0 : 1; // bup: the first failure's status
    }
}
