using System.Diagnostics;

namespace Compat.Tests.Backup;

/// <summary>Runs bup, the built bupfs and shell pipelines for the restore tests, keeping exit codes and raw stdout.</summary>
internal static class RestoreCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The bupfs assembly built beside the tests.</summary>

    /// <summary>A shell word that runs the built bupfs.</summary>
    public static string BupfsCommand => TestSupport.BupfsProgram.ShellCommand;

    /// <summary>Runs bupfs with BUP_DIR=<paramref name="repository"/>.</summary>
    public static (int Exit, byte[] Stdout, string Stderr) Bupfs(string repository, params string[] args) =>
        Run(TestSupport.BupfsProgram.FileName, TestSupport.BupfsProgram.Arguments(args), repository);

    /// <summary>Runs bup with BUP_DIR=<paramref name="repository"/>.</summary>
    public static (int Exit, byte[] Stdout, string Stderr) Bup(string repository, params string[] args) =>
        Run("bup", args, repository);

    /// <summary>Runs a bash script with BUP_DIR=<paramref name="repository"/> and pipefail.</summary>
    public static (int Exit, byte[] Stdout, string Stderr) Sh(string repository, string script) =>
        Run("bash", ["-o", "pipefail", "-ec", script], repository);

    /// <summary>As <see cref="Run"/>, throwing when the exit code is not 0.</summary>
    public static byte[] Check((int Exit, byte[] Stdout, string Stderr) result, string what) =>
        result.Exit == 0 ? result.Stdout : throw new InvalidOperationException($"{what} exited {result.Exit}: {result.Stderr}");

    /// <summary>True when <paramref name="tool"/> is on PATH.</summary>
    public static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static (int Exit, byte[] Stdout, string Stderr) Run(string file, IEnumerable<string> args, string repository)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(repository)!,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BUP_DIR"] = repository;
        start.Environment["TZ"] = "UTC";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {Timeout}");
        }

        process.WaitForExit();
        copy.Wait();
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }
}
