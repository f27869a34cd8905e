using System.Diagnostics;
using System.Text;

namespace BupFs.Tests.Support;

/// <summary>Runs external programs (bup, git, python3, setfacl) for the tests.</summary>
internal static class Tool
{
    /// <summary>Runs <paramref name="file"/> and returns its stdout; throws with stderr when it fails.</summary>
    public static string Run(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, byte[]? input = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null || input is not null,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        else if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish");
        }

        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
    }

    /// <summary>True when <paramref name="program"/> is on PATH.</summary>
    public static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, program)));

    /// <summary>
    /// Makes sure <paramref name="program"/> exists, installing Debian package <paramref name="package"/>
    /// with apt-get if it is absent; returns why it could not, or null when it is there.
    /// </summary>
    public static string? Require(string program, string package)
    {
        if (Exists(program))
        {
            return null;
        }

        try
        {
            Run("apt-get", ["install", "-y", "-q", package]);
            return Exists(program) ? null : $"{program} is missing after installing {package}";
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"{program} is missing and apt-get install {package} failed: {e.Message}";
        }
    }
}
