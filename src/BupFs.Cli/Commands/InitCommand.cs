using System.CommandLine;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>bupfs init: create a repository as 'bup init' does.</summary>
public static class InitCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("init", "create a bup repository (at -d, $BUP_DIR or ~/.bup)");
        command.SetAction(result =>
        {
            var path = GlobalOptions.RepoPath(result);
            using var repo = Repository.Init(path);
            Console.Error.WriteLine($"Initialized bup repository in {path}");
            return 0;
        });
        return command;
    }
}
