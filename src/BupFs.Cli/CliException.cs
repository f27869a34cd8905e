namespace BupFs.Cli;

/// <summary>A user-facing failure: its message is printed as one line and the process exits with <see cref="ExitCode"/>.</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the exception with a message and exit code (1 by default).</summary>
    public CliException(string message, int exitCode = 1)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }
}
