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

    /// <summary>Opens the repository the user asked for.</summary>
    public static Repository OpenRepo(ParseResult result) => Repository.Open(RepoPath(result));
}
