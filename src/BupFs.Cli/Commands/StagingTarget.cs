using BupFs.Staging;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>Finds the staged branch a command names and sends it requests, wherever its tree is open.</summary>
public static class StagingTarget
{
    /// <summary>The branch <paramref name="target"/> names: a branch, or the mountpoint of a staging mount.</summary>
    public static string Branch(string gitDir, string target)
    {
        if (Directory.Exists(target) && StagingSession.BranchMountedAt(gitDir, Path.GetFullPath(target)) is { } mounted)
        {
            return mounted;
        }

        return target;
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the staging mount of <paramref name="branch"/>, or, when
    /// none serves it, opens the staging area here and answers it in this process.
    /// </summary>
    public static string Request(Repository repo, string branch, string[] request, Action<string> output)
    {
        var area = StagingArea.PathFor(repo.GitDir, branch);
        if (!StagingArea.Exists(repo.GitDir, branch))
        {
            throw new CliException($"nothing staged on branch '{branch}' (mount it with 'bupfs mount --staging {branch} MOUNTPOINT')");
        }

        if (StagingControl.TryRequest(area, request, output) is { } answer)
        {
            return answer;
        }

        using var session = StagingSession.Open(repo, branch, from: null, cacheBytes: 16 << 20);
        return session.Handle(request, output);
    }

    /// <summary>The command line, as bup records it in a save's message (a Python list of strings).</summary>
    public static string CommandLine() =>
        PythonRepr.List(PythonRepr.ArgvBytes(["bupfs", .. Environment.GetCommandLineArgs().Skip(1)]), withPrefix: false);
}
