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

    /// <summary>
    /// -r/--remote, on the commands bup gives it (init, save, split, join, restore, ls): the
    /// repository to work on instead of -d/$BUP_DIR, which keeps the index (save) and must exist.
    /// Only bup's local forms are served (PATH, :PATH, file://PATH); bupfs has no ssh transport.
    /// </summary>
    public static Option<string?> Remote { get; } = new("--remote", "-r")
    {
        Description = "the repository to use instead (PATH or :PATH; local only), BUP_DIR keeping the index",
    };

    /// <summary>The repository path the user asked for: -r's when given, else the local one.</summary>
    public static string RepoPath(ParseResult result) =>
        result.GetValue(Remote) is { } remote ? RemotePath(remote) : LocalRepoPath(result);

    /// <summary>-d, $BUP_DIR or ~/.bup, whatever -r says (the index lives there).</summary>
    public static string LocalRepoPath(ParseResult result) => Repository.ResolvePath(result.GetValue(RepoDir));

    /// <summary>
    /// With -r, the pack size limit bup 0.33 writes with: the local repository's pack.packSizeLimit
    /// (else 1 GB), not that of the repository written to (bup's test-packsizelimit, marked FIXME
    /// there); null without -r, for the written repository's own.
    /// </summary>
    public static long? LocalPackSizeLimit(ParseResult result)
    {
        if (result.GetValue(Remote) is null)
        {
            return null;
        }

        using var local = Repository.Open(CheckRepo(LocalRepoPath(result)));
        return local.Config.GetInt64("pack.packSizeLimit") ?? 1_000_000_000;
    }

    // bup's parse_remote (bup 0.33 lib/bup/client.py): "PATH", ":PATH" and "-:PATH" are local, "HOST:PATH" is ssh.
    private static string RemotePath(string remote)
    {
        if (remote.StartsWith("file://", StringComparison.Ordinal))
        {
            return Path.GetFullPath(remote["file://".Length..]);
        }

        var colon = remote.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && remote[..colon] != "-" || remote.Contains("://", StringComparison.Ordinal))
        {
            throw new CliException($"remote repository {remote}: bupfs works on local repositories only (use -r PATH or -d PATH)");
        }

        var path = remote[(colon + 1)..];
        return path.Length == 0 ? Repository.ResolvePath(null) : Path.GetFullPath(path);
    }

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
