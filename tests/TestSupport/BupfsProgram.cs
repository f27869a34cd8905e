using System.Diagnostics;

namespace TestSupport;

/// <summary>
/// The bupfs command the tests run: the published native program named by <c>$BUPFS_EXE</c> (what
/// scripts/test.sh sets, so CI tests exactly what users run), else the framework-dependent
/// bupfs.dll built beside the test assembly (a plain <c>dotnet test</c>).
/// </summary>
public static class BupfsProgram
{
    /// <summary>The environment variable naming a published bupfs executable.</summary>
    public const string ExecutableVariable = "BUPFS_EXE";

    /// <summary>The bupfs.dll beside the test assembly.</summary>
    public static string Dll => Path.Join(AppContext.BaseDirectory, "bupfs.dll");

    /// <summary>The published executable, when one is named and exists.</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } exe && File.Exists(exe) ? exe : null;

    /// <summary>The program to start.</summary>
    public static string FileName => Executable ?? "dotnet";

    /// <summary>The arguments that come before bupfs's own.</summary>
    public static IReadOnlyList<string> LeadingArguments => Executable is null ? ["exec", Dll] : [];

    /// <summary>The whole argument list for <c>bupfs ARGS</c>.</summary>
    public static string[] Arguments(params string[] arguments) => [.. LeadingArguments, .. arguments];

    /// <summary>The command as a shell would type it (quoted), for pipelines.</summary>
    public static string ShellCommand => Executable is { } exe ? Quote(exe) : $"dotnet exec {Quote(Dll)}";

    /// <summary>A start description for <c>bupfs ARGS</c> with redirected output.</summary>
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var start = new ProcessStartInfo(FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Arguments(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
