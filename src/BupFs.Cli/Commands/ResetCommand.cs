using System.CommandLine;
using BupFs.Staging;

namespace BupFs.Cli.Commands;

/// <summary>bupfs reset BRANCH: drops every staged change of the branch (its staging area).</summary>
public static class ResetCommand
{
    private static readonly Argument<string> Branch = new("branch") { Description = "the staged branch" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("reset", "drop the staged changes of a branch (unmount its staging mount first)") { Branch };
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

        StagingArea.Delete(repo.GitDir, branch);
        return 0;
    }
}
