namespace BupFs.Cli;

/// <summary>The bupfs command: bup's workflow over bup repositories, plus mounts.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => BupCommandLine.Run(args);
}
