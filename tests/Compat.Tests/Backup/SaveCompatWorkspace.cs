using System.Diagnostics;
using Compat.Tests.Support;
using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// A repository shared by the built bupfs command and the real bup 0.33, plus a source tree, for
/// save round trips. Commands may fail on purpose: results carry the exit status.
/// </summary>
internal sealed class SaveCompatWorkspace : IDisposable
{
    private readonly BupfsTool _tool = new();

    public SaveCompatWorkspace()
    {
        Source = Path.Combine(_tool.Root, "src");
        _tool.Bupfs("init");
    }

    public string Root => _tool.Root;

    public string Repo => _tool.Repo;

    public string Source { get; }

    /// <summary>The saved path of the source, as bup stores it (absolute, without the leading '/').</summary>
    public string SavedSource => Source.TrimStart('/');

    /// <summary>Creates the sample tree in src/ and waits out the index's one-second racy window.</summary>
    public SampleTreeInfo CreateTree(SampleTreeOptions options)
    {
        var info = SampleTree.Create(Source, options);
        Thread.Sleep(1100);
        return info;
    }

    public (int Exit, string Stdout, string Stderr) Bupfs(params string[] args) => Run(TestSupport.BupfsProgram.FileName, TestSupport.BupfsProgram.Arguments(args));

    public (int Exit, string Stdout, string Stderr) Bup(params string[] args) => Run("bup", args);

    public string Git(params string[] args) => Ok(Run("git", ["--git-dir", Repo, .. args]));

    /// <summary>The stdout of a command that must succeed.</summary>
    public static string Ok((int Exit, string Stdout, string Stderr) result) =>
        result.Exit == 0 ? result.Stdout : throw new InvalidOperationException($"exit {result.Exit}: {result.Stderr}");

    /// <summary>bupfs run in <paramref name="cwd"/> instead of the work folder.</summary>
    public (int Exit, string Stdout, string Stderr) BupfsIn(string cwd, params string[] args) => Run(TestSupport.BupfsProgram.FileName, TestSupport.BupfsProgram.Arguments(args), cwd);

    /// <summary>bup run in <paramref name="cwd"/> instead of the work folder.</summary>
    public (int Exit, string Stdout, string Stderr) BupIn(string cwd, params string[] args) => Run("bup", args, cwd);

    public (int Exit, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string? cwd = null, IReadOnlyDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = cwd ?? Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in _tool.Env.Concat(env ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    // BupfsTool's own cleanup cannot delete names that are not UTF-8; rm can.
    public void Dispose() => ScratchFolder.Remove(Root);
}
