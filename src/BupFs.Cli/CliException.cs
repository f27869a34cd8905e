namespace BupFs.Cli;

/// <summary>A user-facing failure: its message is printed as one line and the process exits with <see cref="ExitCode"/>.</summary>
public sealed class CliException : Exception
{
    /// <summary>
    /// bup's exit status for a usage error: its option parser (bup/options.py, Options.fatal) exits
    /// 97 for an unknown option, a missing option argument, and every o.fatal a command raises.
    /// </summary>
    public const int UsageExit = 97;

    /// <summary>Creates the exception with a message and exit code (1 by default).</summary>
    public CliException(string message, int exitCode = 1)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }
}
