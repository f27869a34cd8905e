using System.CommandLine;
using BupFs.Staging;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs reset BRANCH [PATH...]: drops the staged changes of the branch: all of them (its staging
/// area goes; unmount it first), or those at and below each PATH (also through a staging mount).
/// </summary>
public static class ResetCommand
{
    private static readonly Argument<string> Branch = new("branch") { Description = "the staged branch, or the MOUNTPOINT of its staging mount" };
    private static readonly Argument<string[]> Paths = new("paths") { Description = "paths in the staged tree (or below the mountpoint) to reset; none: everything", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("reset", "drop the staged changes of a branch, or of some paths in it") { Branch, Paths };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        using var repo = GlobalOptions.OpenRepo(r);
        var branch = StagingTarget.Branch(repo.GitDir, r.GetValue(Branch)!);
        if (!Directory.Exists(StagingArea.PathFor(repo.GitDir, branch)))
        {
            throw new CliException($"nothing staged on branch '{branch}'");
        }

        var paths = r.GetValue(Paths) ?? [];
        if (paths.Length > 0)
        {
            var mountPoint = StagingSession.MountPointOf(repo.GitDir, branch);
            StagingTarget.Request(repo, branch, ["reset", .. paths.Select(p => TreePath(p, mountPoint))], Console.Error.WriteLine);
            return 0;
        }

        StagingArea.Delete(repo.GitDir, branch);
        return 0;
    }

    // A path below the staging mount is taken relative to it; any other path is a path in the tree.
    private static string TreePath(string path, string? mountPoint)
    {
        var full = Path.GetFullPath(path);
        if (mountPoint is not null && (full == mountPoint || full.StartsWith(mountPoint + "/", StringComparison.Ordinal)))
        {
            return full[mountPoint.Length..].TrimStart('/');
        }

        return path.TrimStart('/');
    }
}
