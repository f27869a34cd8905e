using System.Diagnostics;

namespace BupBackup.Tests;

/// <summary>Runs external tools (bup, git, coreutils) with byte-exact output for comparisons.</summary>
internal static class ProcessRunner
{
    /// <summary>Runs <paramref name="program"/>; returns stdout bytes, throwing with stderr on a non-zero exit.</summary>
    public static byte[] Run(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var (exit, output, error) = TryRun(program, arguments, environment, workingDirectory);
        return exit == 0
            ? output
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {exit}: {error}");
    }

    /// <summary>Runs <paramref name="program"/> and returns exit code, stdout bytes and stderr text.</summary>
    public static (int Exit, byte[] Output, string Error) TryRun(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        copy.Wait();
        return (process.ExitCode, output.ToArray(), error.Result);
    }

    /// <summary>Runs a bash script; returns stdout as text.</summary>
    public static string Bash(string script, string? workingDirectory = null) =>
        System.Text.Encoding.UTF8.GetString(Run("/bin/bash", ["-euc", script], null, workingDirectory));

    /// <summary>True when <paramref name="program"/> is on PATH.</summary>
    public static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, program)));
}
