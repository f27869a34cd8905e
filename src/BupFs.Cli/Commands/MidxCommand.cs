using System.CommandLine;
using System.Text.RegularExpressions;
using BupStore.Formats;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>bupfs midx: build bup midx files (as bup midx -a / -f / explicit idx list, and --check).</summary>
public static partial class MidxCommand
{
    private static readonly Option<bool> Auto = new("--auto", "-a") { Description = "merge small idx files as bup does after each pack" };
    private static readonly Option<bool> Force = new("--force", "-f") { Description = "merge every idx into one midx" };
    private static readonly Option<bool> Check = new("--check") { Description = "verify every midx lists exactly the objects of its idx files" };
    private static readonly Option<string?> Dir = new("--dir", "-d") { Description = "the pack folder (default: the repository's objects/pack)" };
    private static readonly Option<bool> PrintNames = new("--print", "-p") { Description = "print the names of the midx files written" };
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "the midx file to write (default: named as bup names it, in the pack folder)", HelpName = "FILE" };
    private static readonly Argument<string[]> Inputs = new("idx") { Description = "idx or midx files to merge", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("midx", "create or check multi-pack indexes (as bup midx)") { Output, Auto, Force, PrintNames, Check, Dir, Inputs };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var inputs = r.GetValue(Inputs) ?? [];
        if (inputs.Length > 0 && (r.GetValue(Auto) || r.GetValue(Force)))
        {
            throw new CliException("you can't use -f/-a and also provide filenames", CliException.UsageExit);
        }

        if (r.GetValue(Output) is not null && inputs.Length == 0 && !r.GetValue(Check))
        {
            throw new CliException("-o needs the idx files to merge named", CliException.UsageExit);
        }

        var (packDir, gitDir) = PackDirOf(r, r.GetValue(Dir));
        if (r.GetValue(Check))
        {
            return CheckAll(packDir, gitDir);
        }

        if (inputs.Length > 0)
        {
            var output = r.GetValue(Output) is { } o ? Path.GetFullPath(o) : null;
            var written = MultiPackIndex.Write(packDir, inputs.Select(Path.GetFullPath).ToList(), output);
            if (r.GetValue(PrintNames))
            {
                Console.WriteLine(written);
            }
        }
        else if (r.GetValue(Force))
        {
            MidxMaintenance.Force(packDir);
        }
        else if (r.GetValue(Auto))
        {
            MidxMaintenance.Auto(packDir);
        }
        else
        {
            throw new CliException("use -a, -f, --check or name idx files", CliException.UsageExit);
        }

        return 0;
    }

    private static (string PackDir, string GitDir) PackDirOf(ParseResult r, string? dir)
    {
        using var repo = GlobalOptions.OpenRepo(r);
        return (dir ?? repo.PackDir, repo.GitDir);
    }

    // bup midx --check's report on stderr: "Checking NAME." for each midx, a warning for one naming
    // a deleted idx (which is then skipped, not an error), and "All tests passed." when nothing failed.
    private static int CheckAll(string packDir, string gitDir)
    {
        var bad = 0;
        foreach (var path in Directory.EnumerateFiles(packDir, "*.midx").Order(StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"Checking {RepoRelative(path, gitDir)}.");
            var missing = MidxCheck.MissingIdx(path);
            foreach (var name in missing)
            {
                Console.Error.WriteLine($"Warning: ignoring midx {Path.GetFullPath(path)} (missing idx {name})");
            }

            if (missing.Count == 0 && MidxCheck.Verify(path) is { } problem)
            {
                Console.Error.WriteLine($"bupfs midx: {path}: {problem}");
                bad++;
            }
        }

        if (bad == 0)
        {
            Console.Error.WriteLine("All tests passed.");
        }

        return bad == 0 ? 0 : 1;
    }

    // bup's git.repo_rel: the path inside the repository, each 40-digit hash cut to 7 and a '*'.
    private static string RepoRelative(string path, string gitDir)
    {
        var full = Path.GetFullPath(path);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(gitDir)) + "/";
        var relative = full.StartsWith(root, StringComparison.Ordinal) ? full[root.Length..] : full;
        return ShortHash().Replace(relative, "$1$2*$3");
    }

    [GeneratedRegex(@"([^0-9a-z]|\b)([0-9a-z]{7})[0-9a-z]{33}([^0-9a-z]|\b)")]
    private static partial Regex ShortHash();
}
