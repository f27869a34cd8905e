using System.CommandLine;
using BupStore.Repository;

namespace BupFs.Cli;

/// <summary>Options every command shares, given before the command as with bup: bupfs [-d REPO] [--debug] CMD.</summary>
public static class GlobalOptions
{
    /// <summary>-d/--bup-dir: the repository (else $BUP_DIR, else ~/.bup).</summary>
    public static Option<string?> RepoDir { get; } = new("--bup-dir", "-d")
    {
        Description = "the repository (default: $BUP_DIR, else ~/.bup)",
        Recursive = false,
    };

    /// <summary>--debug: print stack traces for errors.</summary>
    public static Option<bool> Debug { get; } = new("--debug")
    {
        Description = "print a stack trace when a command fails",
    };

    /// <summary>The repository path the user asked for.</summary>
    public static string RepoPath(ParseResult result) => Repository.ResolvePath(result.GetValue(RepoDir));

    /// <summary>Opens the repository the user asked for (after <see cref="CheckRepo"/>).</summary>
    public static Repository OpenRepo(ParseResult result) => Repository.Open(CheckRepo(RepoPath(result)));

    /// <summary>
    /// bup's git.check_repo_or_die: a missing repository ends the command with exit status 15, a
    /// path that is not a repository with 14, so scripts can tell the two from other failures.
    /// Returns <paramref name="path"/>.
    /// </summary>
    public static string CheckRepo(string path)
    {
        if (Directory.Exists(Path.Combine(path, "objects", "pack")) || Directory.Exists(Path.Combine(path, ".git", "objects", "pack")))
        {
            return path;
        }

        if (!Path.Exists(path))
        {
            throw new CliException($"repository {path} does not exist (create it with 'bupfs init')", MissingRepository);
        }

        throw new CliException($"{path} is not a repository", NotARepository);
    }

    /// <summary>
    /// Opens the repository for a command that writes to it, first removing the temporaries a
    /// killed bupfs left there (<see cref="StaleTemporaries"/>).
    /// </summary>
    public static Repository OpenRepoForWriting(ParseResult result)
    {
        var repo = OpenRepo(result);
        StaleTemporaries.Remove(repo.GitDir);
        // A writer is where a quarantine changes the outcome (objects stored again): say so.
        repo.Objects.Warning = message => Console.Error.WriteLine($"bupfs: warning: {message}");
        return repo;
    }

    /// <summary>bup's exit status for a repository that does not exist.</summary>
    public const int MissingRepository = 15;

    /// <summary>bup's exit status for a path that is not a repository.</summary>
    public const int NotARepository = 14;
}
