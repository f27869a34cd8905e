using System.CommandLine;
using System.Globalization;
using System.Text;
using BupBackup.Index;
using BupBackup.Save;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs save: store files and directories with full metadata as bup 0.33's save does, reading
/// only what the index says changed, and commit them on a branch. Exit status 1 when something
/// was skipped (bup's "errors encountered while saving").
/// </summary>
public static class SaveCommand
{
    private static readonly Option<string?> Name = new("--name", "-n") { Description = "the branch to save to (its previous save becomes the parent)" };
    private static readonly Option<string?> Message = new("--message", "-m") { Description = "the first line of the commit message (default: bup save)" };
    private static readonly Option<bool> TreeOpt = new("--tree", "-t") { Description = "print the id of the saved tree" };
    private static readonly Option<bool> CommitOpt = new("--commit", "-c") { Description = "print the id of the commit" };
    private static readonly Option<double?> Date = new("--date", "-d") { Description = "commit date, seconds since the epoch" };
    private static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "no progress display" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "list files read and totals; twice: every entry", Arity = ArgumentArity.Zero, AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string?> Smaller = new("--smaller") { Description = "only save files smaller than SIZE (k, m, g suffixes)" };
    private static readonly Option<bool> Strip = new("--strip") { Description = "strip the given paths from the saved names" };
    private static readonly Option<string?> StripPath = new("--strip-path") { Description = "strip PREFIX from the saved names" };
    private static readonly Option<string[]> Graft = new("--graft") { Description = "save OLD as NEW: OLD=NEW (repeatable)" };
    private static readonly Option<int> Compress = new Option<int>("--compress", "-#") { Description = "zlib level 0-9 (default 1; -0 .. -9 as in bup)", DefaultValueFactory = _ => 1 }.InRange(0, 9).BadValueFails();
    private static readonly Option<string?> IndexFileOption = new("--indexfile", "-f") { Description = "the index file to read (default: the repository's bupfs-index)", HelpName = "FILE" };
    private static readonly Argument<string[]> Paths = new("paths") { Description = "files and directories to save", Arity = ArgumentArity.OneOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("save", "save files and directories with their metadata (as bup save)")
        {
            Name, Message, TreeOpt, CommitOpt, Date, Quiet, Verbose, Smaller, Strip, StripPath, Graft, Compress, IndexFileOption, Paths,
        };
        command.Options.Add(GlobalOptions.Remote);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var name = r.GetValue(Name);
        Validate(r, name);
        using var repo = GlobalOptions.OpenRepoForWriting(r);
        var refName = name is null ? null : "refs/heads/" + name;
        var parent = refName is not null && repo.Refs.TryRead(refName, out var old) ? old : ObjectId.Zero;
        using var writer = repo.CreateWriter(new WriterOptions { CompressionLevel = r.GetValue(Compress), MaxPackSize = GlobalOptions.LocalPackSizeLimit(r) });
        using var output = new SaveOutput(Verbosity(r), r.GetValue(Quiet));
        var indexPath = r.GetValue(IndexFileOption) is { } given ? Path.GetFullPath(given) : LocalIndexPath(r, repo);
        using var engine = new SaveEngine(writer, indexPath, BuildOptions(r, repo.GitDir, output));
        var timing = new PhaseTimer();
        SaveResult result;
        try
        {
            result = engine.Run();
        }
        catch (SaveSourceException e)
        {
            output.Finish();
            throw new CliException(e.Message, 1);
        }

        output.Finish();
        var commit = r.GetValue(CommitOpt) || name is not null ? WriteCommit(r, writer, result.Tree, parent) : ObjectId.Zero;
        timing.Mark("save");

        // Objects must be durable before the index vouches for them or a ref points at them.
        writer.Close();
        timing.Mark("close packs");
        engine.CommitIndex();
        timing.Mark("write index");
        PrintIds(r, result.Tree, commit);
        if (refName is not null)
        {
            repo.Refs.Update(refName, commit, parent, "bupfs save");
        }

        timing.Mark("update ref");

        return Report(r, result, writer);
    }

    private static void Validate(ParseResult r, string? name)
    {
        if (!r.GetValue(TreeOpt) && !r.GetValue(CommitOpt) && name is null)
        {
            throw new CliException("use one or more of -t, -c, -n", CliException.UsageExit);
        }

        if (r.GetValue(Strip) && r.GetValue(StripPath) is not null)
        {
            throw new CliException("--strip is incompatible with --strip-path", CliException.UsageExit);
        }

        if ((r.GetValue(Graft) ?? []).Length > 0 && (r.GetValue(Strip) || r.GetValue(StripPath) is not null))
        {
            throw new CliException(r.GetValue(Strip) ? "--strip is incompatible with --graft" : "--strip-path is incompatible with --graft", CliException.UsageExit);
        }

        if (name is not null && !RefNames.IsValidBranchName(name))
        {
            throw new CliException($"'{name}' is not a valid branch name", CliException.UsageExit);
        }
    }

    private static int Verbosity(ParseResult r) => r.GetResult(Verbose)?.IdentifierTokenCount ?? 0;

    private static SaveOptions BuildOptions(ParseResult r, string gitDir, SaveOutput output)
    {
        var cwd = BupBackup.Index.PathNames.CurrentDirectory();
        var raw = ByteArguments.Current;
        return new SaveOptions
        {
            Sources = [.. (r.GetValue(Paths) ?? []).Select(raw.Get)],
            Strip = r.GetValue(Strip),
            StripPath = r.GetValue(StripPath) is { } sp ? BupBackup.Index.PathNames.Normalize(raw.Get(sp), cwd) : null,
            Grafts = [.. (r.GetValue(Graft) ?? []).Select(g => ParseGraft(raw.Get(g), cwd))],
            Smaller = r.GetValue(Smaller) is { } s ? ParseSize(s) : null,
            RequireIndex = true,
            IndexOptions = new IndexOptions { RepositoryDirectory = Encoding.UTF8.GetBytes(Path.GetFullPath(gitDir)) },
            OnStart = output.Start,
            OnProgress = output.Progress,
            OnEntry = output.Entry,
            OnWarning = output.Warn,
        };
    }

    // With -r the index is the local repository's (-d, $BUP_DIR), as bup save -r reads it.
    private static string LocalIndexPath(ParseResult r, Repository repo)
    {
        if (r.GetValue(GlobalOptions.Remote) is null)
        {
            return IndexFile.PathIn(repo.GitDir);
        }

        using var local = Repository.Open(GlobalOptions.CheckRepo(GlobalOptions.LocalRepoPath(r)));
        return IndexFile.PathIn(local.GitDir);
    }

    private static GraftPoint ParseGraft(byte[] text, byte[] cwd)
    {
        try
        {
            return GraftPoint.Parse(text, cwd);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message, CliException.UsageExit);
        }
    }

    /// <summary>bup's parse_num: a number with an optional k, m, g or t suffix (powers of 1024).</summary>
    internal static long ParseSize(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        var scale = t.EndsWith('t') ? 1L << 40 : t.EndsWith('g') ? 1L << 30 : t.EndsWith('m') ? 1L << 20 : t.EndsWith('k') ? 1L << 10 : 1L;
        var digits = scale == 1 ? t : t[..^1];
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? (long)(value * scale)
            : throw new CliException($"invalid size: {text}"); // bup: a ValueError from parse_num, exit 1
    }

    private static ObjectId WriteCommit(ParseResult r, ObjectWriter writer, ObjectId tree, ObjectId parent)
    {
        var argv = PythonRepr.List(PythonRepr.ArgvBytes(SubcommandArgs()), withPrefix: false);
        var subject = r.GetValue(Message) ?? "bup save";
        var message = Encoding.UTF8.GetBytes($"{subject}\n\nGenerated by command:\n{argv}\n");
        return BupCommit.Write(writer, tree, parent, r.GetValue(Date) is { } d ? (long)Math.Truncate(d) : null, message);
    }

    /// <summary>The command line from the subcommand on, as bup records it (without the global -d/--debug).</summary>
    private static List<string> SubcommandArgs()
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        var i = 0;
        while (i < args.Count && args[i] != "save")
        {
            i += args[i] is "-d" or "--bup-dir" ? 2 : 1;
        }

        return args.Skip(i).ToList();
    }

    private static void PrintIds(ParseResult r, ObjectId tree, ObjectId commit)
    {
        if (r.GetValue(TreeOpt))
        {
            Console.Out.Write(tree + "\n");
        }

        if (r.GetValue(CommitOpt))
        {
            Console.Out.Write(commit + "\n");
        }

        Console.Out.Flush();
    }

    private static int Report(ParseResult r, SaveResult result, ObjectWriter writer)
    {
        var stats = result.Statistics;
        if (Verbosity(r) > 0)
        {
            Console.Error.WriteLine(
                $"bupfs: read {stats.BytesRead} bytes from {stats.FilesRead} files; reused {stats.FilesReused} files and {stats.DirectoriesReused} directories; "
                + $"wrote {writer.ObjectsWritten} new objects ({writer.BytesWritten} bytes)");
        }

        if (stats.Warnings > 0)
        {
            Console.Error.WriteLine($"WARNING: {stats.Warnings} errors encountered while saving.");
            return 1;
        }

        return 0;
    }

    /// <summary>With BUPFS_TIMING set, prints how long each phase took (for benchmarking).</summary>
    private sealed class PhaseTimer
    {
        private readonly bool _enabled = Environment.GetEnvironmentVariable("BUPFS_TIMING") is { Length: > 0 };
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public void Mark(string phase)
        {
            if (_enabled)
            {
                var gc = GC.GetGCMemoryInfo();
                Console.Error.WriteLine($"bupfs: {phase}: {_clock.Elapsed.TotalMilliseconds:F1} ms (process {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds:F0} ms; "
                    + $"heap {gc.HeapSizeBytes >> 20} MiB, committed {gc.TotalCommittedBytes >> 20} MiB, peak working set {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB, gen0/1/2 GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)})");
                _clock.Restart();
            }
        }
    }

    /// <summary>Progress bar, -v listing and warnings on stderr, as bup logs them.</summary>
    private sealed class SaveOutput(int verbosity, bool quiet) : IDisposable
    {
        private readonly Lock _gate = new();
        private ProgressBar? _bar;

        public void Start(long bytes, long files) => _bar = new ProgressBar("Saving", bytes, quiet);

        public void Progress(long bytes, byte[] path) => _bar?.Add(bytes, NameText.Display(path));

        public void Entry(char status, byte[] path)
        {
            if (verbosity >= 2 || (verbosity == 1 && status != ' '))
            {
                Write($"{status} {NameText.Display(path)}");
            }
        }

        public void Warn(string message) => Write(message);

        private void Write(string line)
        {
            lock (_gate)
            {
                if (_bar is not null && !Console.IsErrorRedirected && !quiet)
                {
                    Console.Error.Write("\r\u001b[K");
                }

                Console.Error.WriteLine(line);
            }
        }

        public void Finish()
        {
            _bar?.Dispose();
            _bar = null;
        }

        public void Dispose() => Finish();
    }
}
