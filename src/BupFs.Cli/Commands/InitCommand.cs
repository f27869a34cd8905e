using System.CommandLine;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>bupfs init: create a repository as 'bup init' does; with -r, the other repository too when it does not exist yet (bup's "bup init -r").</summary>
public static class InitCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("init", "create a bup repository (at -d, $BUP_DIR or ~/.bup)") { GlobalOptions.Remote };
        command.SetAction(result =>
        {
            var path = GlobalOptions.LocalRepoPath(result);
            using (Repository.Init(path))
            {
                Console.Error.WriteLine($"Initialized bup repository in {path}");
            }

            var other = GlobalOptions.RepoPath(result);
            if (other != path && !IsRepository(other))
            {
                using var remote = Repository.Init(other);
            }

            return 0;
        });
        return command;
    }

    private static bool IsRepository(string path)
    {
        try
        {
            GlobalOptions.CheckRepo(path);
            return true;
        }
        catch (CliException)
        {
            return false;
        }
    }
}
