using System.Diagnostics;
using System.Text;

namespace Conformance.Support;

/// <summary>What a finished process printed and returned.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output as raw bytes (when run with <see cref="Processes.Execute"/>'s binaryOutput).</summary>
    public byte[] StdoutBytes { get; init; } = [];

    /// <summary>Throws with the error output when the exit code is not 0; returns stdout.</summary>
    public string Succeeded(string what) =>
        ExitCode == 0 ? Stdout : throw new InvalidOperationException($"{what} exited {ExitCode}: {Stderr.Trim()}");
}

/// <summary>Runs external programs (bup, git, diff, the bupfs command) with a time limit.</summary>
internal static class Processes
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="file"/> to completion; a run past the time limit is killed and fails.</summary>
    public static ProcessResult Execute(
        string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null, bool binaryOutput = false)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var raw = new MemoryStream();
        Task<string> stdout = binaryOutput
            ? process.StandardOutput.BaseStream.CopyToAsync(raw).ContinueWith(_ => "", TaskScheduler.Default)
            : process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in {timeout ?? DefaultTimeout}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result) { StdoutBytes = raw.ToArray() };
    }

    /// <summary>Runs <paramref name="file"/>; returns stdout, throws with stderr on a non-zero exit.</summary>
    public static string Run(string file, params string[] arguments) =>
        Execute(file, arguments).Succeeded($"{file} {string.Join(' ', arguments)}");

    /// <summary>True when <paramref name="program"/> is on PATH.</summary>
    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Join(directory, program)));
}
