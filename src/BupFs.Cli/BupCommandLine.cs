using System.CommandLine;
using BupFs.Cli.Commands;

namespace BupFs.Cli;

/// <summary>
/// Builds the command table and runs it. Every failure becomes one line on stderr and a non-zero
/// exit (97 for a usage error, as bup); --debug adds the stack trace.
/// </summary>
public static class BupCommandLine
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var root = Build();
        var result = Parse(root, args, out var refused);
        var command = result.CommandResult.Command;
        var name = command == root ? "bupfs" : $"bupfs {command.Name}";
        var bad = refused is not null || result.Errors.Count > 0 || BupOptionSyntax.UnknownOption(result) is not null;
        if (bad && command.Name == "ls" && MissingRepository(result) is { } missing)
        {
            return missing;
        }

        if (refused is not null)
        {
            Console.Error.WriteLine($"{name}: {refused} (see '{name} --help')");
            return CliException.UsageExit;
        }

        if (result.Errors.Count > 0)
        {
            Console.Error.WriteLine($"{name}: {OptionChecks.Plain(result.Errors[0])} (see '{name} --help')");
            return OptionChecks.ExitStatus(result.Errors[0]);
        }

        if (BupOptionSyntax.UnknownOption(result) is { } unknown)
        {
            Console.Error.WriteLine($"{name}: option {unknown} not recognized (see '{name} --help')");
            return CliException.UsageExit;
        }

        return Execute(result);
    }

    // bup ls checks the (local) repository before it reads its options (bup/cmd/ls.py), so a missing
    // one is 15 even beside a bad option; returns that exit status, or null when the repository is there.
    private static int? MissingRepository(ParseResult result)
    {
        try
        {
            GlobalOptions.CheckRepo(GlobalOptions.LocalRepoPath(result));
            return null;
        }
        catch (CliException e)
        {
            return Report(e, debug: false);
        }
    }

    // Parses once to find the command, then again with its long options spelled out as bup's
    // getopt reads them (BupLongOptions); refused is getopt's complaint about one of them.
    private static ParseResult Parse(RootCommand root, string[] args, out string? refused)
    {
        refused = null;
        var expanded = BupOptionSyntax.ExpandDigits(args);
        var result = root.Parse(expanded);
        var command = result.CommandResult.Command;
        if (command == root || BupOptionSyntax.CommandIndex(expanded, command.Name) is not (var at and >= 0))
        {
            return result;
        }

        var spelled = BupLongOptions.Rewrite(expanded, at, command, out refused);
        return spelled is null ? result : root.Parse(spelled);
    }

    private static int Execute(ParseResult result)
    {
        try
        {
            // Our own handler prints one line; the library's would print a stack trace.
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e)
        {
            return Report(e, result.GetValue(GlobalOptions.Debug));
        }
    }

    /// <summary>Prints an error as one line (plus the trace with --debug) and returns its exit code.</summary>
    public static int Report(Exception e, bool debug)
    {
        var inner = e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : e;
        Console.Error.WriteLine($"bupfs: error: {OneLine(inner.Message)}");
        if (debug)
        {
            Console.Error.WriteLine(inner.ToString());
        }

        return inner is CliException cli ? cli.ExitCode : 1;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("bupfs: backups in bup's repository format, as a filesystem you can mount")
        {
            GlobalOptions.RepoDir,
            GlobalOptions.Debug,
        };
        foreach (var command in Commands())
        {
            root.Add(command);
        }

        return root;
    }

    private static IEnumerable<Command> Commands() =>
    [
        InitCommand.Create(),
        SplitCommand.Create(),
        JoinCommand.Create(),
        CatFileCommand.Create(),
        FsckCommand.Create(),
        MidxCommand.Create(),
        BloomCommand.Create(),
        LsCommand.Create(),
        IndexCommand.Create(),
        SaveCommand.Create(),
        MountCommand.Create(),
        UmountCommand.Create(),
        CommitCommand.Create(),
        StatusCommand.Create(),
        ResetCommand.Create(),
        RestoreCommand.Create(),
    ];
}
