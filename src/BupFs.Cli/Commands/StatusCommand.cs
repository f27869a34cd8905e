using System.CommandLine;
using BupFs.Staging;

namespace BupFs.Cli.Commands;

/// <summary>bupfs status [BRANCH]: what is staged, as `git status --short` shows it.</summary>
public static class StatusCommand
{
    private static readonly Argument<string?> Branch = new("branch") { Description = "the staged branch (default: every staged branch)", Arity = ArgumentArity.ZeroOrOne };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("status", "list staged changes: A added, M modified, m metadata only, D deleted, R renamed") { Branch };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        using var repo = GlobalOptions.OpenRepo(r);
        var branches = r.GetValue(Branch) is { } one ? [StagingTarget.Branch(repo.GitDir, one)] : StagingArea.List(repo.GitDir);
        if (branches.Count == 0)
        {
            Console.Out.WriteLine("nothing staged");
        }

        foreach (var branch in branches)
        {
            Console.Out.WriteLine($"On branch {branch}:");
            var pending = StagingTarget.Request(repo, branch, ["status"], line => Console.Out.WriteLine("  " + line));
            Console.Out.WriteLine($"  ({pending} bytes waiting to be split)");
        }

        return 0;
    }
}
