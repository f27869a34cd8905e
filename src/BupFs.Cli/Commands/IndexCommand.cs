using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BupBackup.Index;
using BupStore.Objects;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs index: keep the repository's bupfs-index up to date with the filesystem (as bup index),
/// so that a save reads only what changed. Also prints the index (-p, -m, -s) and remaps graft
/// points without walking (--regraft).
/// </summary>
public static class IndexCommand
{
    private static readonly Option<bool> Update = new("--update", "-u") { Description = "update the index for the given paths (the default)" };
    private static readonly Option<bool> Print = new("--print", "-p") { Description = "print the index entries for the given names" };
    private static readonly Option<bool> Modified = new("--modified", "-m") { Description = "print only added or modified entries (implies -p)" };
    private static readonly Option<bool> Status = new("--status", "-s") { Description = "print each path with a status char (A/M) (implies -p)" };
    private static readonly Option<bool> Hash = new("--hash", "-H") { Description = "print the object id of each entry" };
    private static readonly Option<bool> Long = new("--long", "-l") { Description = "print mode and git mode of each entry" };
    private static readonly Option<bool> Check = new("--check") { Description = "verify the index file's integrity (before and after any update); a damaged index is an error" };
    private static readonly Option<bool> Clear = new("--clear") { Description = "delete the index" };
    private static readonly Option<bool> Xdev = new("--xdev", "-x", "--one-file-system") { Description = "don't cross filesystem boundaries" };
    private static readonly Option<string[]> Exclude = new("--exclude") { Description = "a path to exclude (repeatable)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> ExcludeFrom = new("--exclude-from") { Description = "read --exclude paths from FILE (repeatable)" };
    private static readonly Option<string[]> ExcludeRx = new("--exclude-rx") { Description = "skip paths matching the unanchored regex (repeatable)" };
    private static readonly Option<string[]> ExcludeRxFrom = new("--exclude-rx-from") { Description = "read --exclude-rx patterns from FILE (repeatable)" };
    private static readonly Option<string[]> Graft = new("--graft") { Description = "record files under OLD as if they were under NEW: OLD=NEW (repeatable)" };
    private static readonly Option<bool> Regraft = new("--regraft") { Description = "point the --graft NEW paths at OLD without walking the disk" };
    private static readonly Option<bool> NoCheckDevice = new("--no-check-device") { Description = "don't treat a changed device number as a change" };
    private static readonly Option<bool> FakeValid = new("--fake-valid") { Description = "mark every entry at or below the paths as up to date, without reading files" };
    private static readonly Option<bool> FakeInvalid = new("--fake-invalid") { Description = "mark every entry at or below the paths as needing to be saved again" };
    private static readonly Option<string> IndexFileOption = new("--indexfile", "-f") { Description = "use FILE as the index instead of the repository's", HelpName = "FILE" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "list directories as they are indexed (-vv: every path)", Arity = ArgumentArity.Zero };
    private static readonly Argument<string[]> Paths = new("paths") { Description = "paths to index", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("index", "record the state of files for fast incremental saves (as bup index)")
        {
            Update, Print, Modified, Status, Hash, Long, Check, Clear, Xdev, Exclude, ExcludeFrom, ExcludeRx, ExcludeRxFrom,
            Graft, Regraft, NoCheckDevice, FakeValid, FakeInvalid, IndexFileOption, Verbose, Paths,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var paths = (r.GetValue(Paths) ?? []).Select(ByteArguments.Current.Get).ToList();
        var printing = r.GetValue(Print) || r.GetValue(Modified) || r.GetValue(Status);
        var updating = r.GetValue(Update) || r.GetValue(Regraft) || !(printing || r.GetValue(Clear) || r.GetValue(Check));
        CheckUsage(r, updating); // before the repository, as bup checks options first (97 before 15)
        var gitDir = GitDir(r);
        var indexPath = r.GetValue(IndexFileOption) ?? IndexFile.PathIn(gitDir);
        var warnings = 0L;
        if (r.GetValue(Check))
        {
            CheckIndex(indexPath, "initial");
        }

        if (r.GetValue(Clear))
        {
            Console.Error.WriteLine("clear: clearing index.");
            IndexFile.Clear(indexPath);
        }

        if (updating)
        {
            BupStore.Repository.StaleTemporaries.Remove(gitDir); // an index run killed before it replaced the index
            warnings += RunUpdate(r, gitDir, indexPath, paths);
        }

        if (printing)
        {
            warnings += PrintRecords(r, indexPath, paths);
        }

        if (r.GetValue(Check) && (printing || updating))
        {
            CheckIndex(indexPath, "final");
        }

        if (warnings > 0)
        {
            Console.Error.WriteLine($"WARNING: {warnings} errors encountered.");
            return 1;
        }

        return 0;
    }

    /// <summary>The option combinations bup refuses.</summary>
    private static void CheckUsage(ParseResult r, bool updating)
    {
        if ((r.GetValue(FakeValid) || r.GetValue(FakeInvalid)) && !updating)
        {
            throw new CliException("--fake-valid and --fake-invalid are meaningless without -u", CliException.UsageExit);
        }

        if (r.GetValue(FakeValid) && r.GetValue(FakeInvalid))
        {
            throw new CliException("--fake-valid is incompatible with --fake-invalid", CliException.UsageExit);
        }

        if (r.GetValue(Clear) && r.GetValue(IndexFileOption) is not null)
        {
            throw new CliException("cannot clear an external index (via -f)", CliException.UsageExit);
        }
    }

    /// <summary>--check: the whole file is read and verified; damage ends the command before anything else touches it.</summary>
    private static void CheckIndex(string indexPath, string when)
    {
        Console.Error.WriteLine($"check: starting {when} check.");
        try
        {
            var records = IndexFile.Check(indexPath);
            Console.Error.WriteLine($"check: passed ({records} entries).");
        }
        catch (BupStore.Formats.CorruptObjectException e)
        {
            throw new CliException($"check: the index is damaged: {e.Message}", 1);
        }
    }

    /// <summary>
    /// The repository's git directory, checked as Repository.Open checks it but without opening the
    /// object store: indexing never reads objects, and mapping idx/midx/bloom files costs time.
    /// </summary>
    private static string GitDir(ParseResult r)
    {
        var path = GlobalOptions.RepoPath(r);
        var gitDir = Directory.Exists(Path.Combine(path, ".git")) ? Path.Combine(path, ".git") : path;
        if (!Directory.Exists(Path.Combine(gitDir, "objects", "pack")))
        {
            using var check = GlobalOptions.OpenRepo(r); // throws the usual "does not exist" / "not a repository"
        }

        return gitDir;
    }

    private static long RunUpdate(ParseResult r, string gitDir, string indexPath, List<byte[]> paths)
    {
        if (!r.GetValue(Regraft) && paths.Count == 0)
        {
            throw new CliException("update mode (-u) requested but no paths given", CliException.UsageExit);
        }

        var progress = new IndexProgress(r.GetValue(Verbose) ? 1 : 0);
        var options = BuildOptions(r, gitDir) with { OnRecord = progress.Record, OnWarning = progress.Warn };
        var updater = new IndexUpdater(indexPath, options);
        var stats = r.GetValue(Regraft) ? updater.Regraft() : updater.Update(paths);
        progress.Done(stats);
        return stats.Warnings;
    }

    /// <summary>The walk options from the command line (shared with save, which indexes when it must).</summary>
    internal static IndexOptions BuildOptions(ParseResult r, string gitDir)
    {
        var cwd = BupBackup.Index.PathNames.CurrentDirectory();
        var raw = ByteArguments.Current;
        var grafts = new List<GraftPoint>();
        foreach (var g in r.GetValue(Graft) ?? [])
        {
            try
            {
                grafts.Add(GraftPoint.Parse(raw.Get(g), cwd));
            }
            catch (FormatException e)
            {
                throw new CliException(e.Message, CliException.UsageExit);
            }
        }

        return new IndexOptions
        {
            Excludes = Excludes(r, raw),
            ExcludePatterns = Patterns(r),
            OneFileSystem = r.GetValue(Xdev),
            Grafts = grafts,
            CheckDevice = !r.GetValue(NoCheckDevice),
            Fake = r.GetValue(FakeValid) ? FakeValidity.Valid : r.GetValue(FakeInvalid) ? FakeValidity.Invalid : FakeValidity.None,
            RepositoryDirectory = Encoding.UTF8.GetBytes(Path.GetFullPath(gitDir)),
        };
    }

    private static List<byte[]> Excludes(ParseResult r, ByteArguments raw)
    {
        var given = (r.GetValue(Exclude) ?? []).Select(raw.Get).ToList();
        foreach (var file in r.GetValue(ExcludeFrom) ?? [])
        {
            given.AddRange(ReadLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => Encoding.UTF8.GetBytes(l)));
        }

        return [.. given.Select(ResolveExclude)];
    }

    private static byte[] ResolveExclude(byte[] path)
    {
        try
        {
            return BupBackup.Index.PathNames.ResolveParent(path);
        }
        catch (BupBackup.Posix.PosixException)
        {
            // Nothing there now: exclude it lexically so that it stays out if it appears.
            return BupBackup.Index.PathNames.Normalize(path, BupBackup.Index.PathNames.CurrentDirectory());
        }
    }

    private static List<Regex> Patterns(ParseResult r)
    {
        var patterns = (r.GetValue(ExcludeRx) ?? []).ToList();
        foreach (var file in r.GetValue(ExcludeRxFrom) ?? [])
        {
            patterns.AddRange(ReadLines(file).Where(l => l.Length > 0));
        }

        try
        {
            return [.. patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))];
        }
        catch (ArgumentException e)
        {
            throw new CliException($"invalid --exclude-rx pattern: {e.Message}", CliException.UsageExit);
        }
    }

    private static IEnumerable<string> ReadLines(string file)
    {
        try
        {
            return File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"couldn't read {file}: {e.Message}", CliException.UsageExit);
        }
    }

    /// <summary>-p/-m/-s: prints as bup does (see <see cref="IndexListing"/>); returns the number of errors.</summary>
    private static long PrintRecords(ParseResult r, string indexPath, List<byte[]> paths)
    {
        var errors = 0L;
        using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
        var prefixes = IndexListing.Reduce(paths, message =>
        {
            errors++;
            Console.Error.WriteLine(message);
        });
        var modifiedOnly = r.GetValue(Modified);
        foreach (var prefix in prefixes)
        {
            var entries = IndexListing.Entries(indexPath, prefix, record => !modifiedOnly || !(record.IsValid || record.IsSynthetic))
                ?? throw new CliException($"cannot find {NameText.Display(prefix.Resolved)} in the index");
            foreach (var (name, record) in entries)
            {
                stdout.Write(Encoding.ASCII.GetBytes(Line(r, record)));
                stdout.Write(name);
                stdout.WriteByte((byte)'\n');
            }
        }

        return errors;
    }

    private static string Line(ParseResult r, IndexRecord record)
    {
        var line = new StringBuilder();
        if (r.GetValue(Status))
        {
            line.Append(record.IsValid ? "  " : record.Id.IsZero ? "A " : "M ");
        }

        if (r.GetValue(Hash))
        {
            line.Append(record.Id.ToString()).Append(' ');
        }

        if (r.GetValue(Long))
        {
            line.Append(CultureInfo.InvariantCulture, $"{Convert.ToString(record.Status.Mode, 8).PadLeft(7, '0')} {Convert.ToString((int)record.GitMode, 8).PadLeft(7, '0')} ");
        }

        return line.ToString();
    }

    /// <summary>Prints "Indexing: N" on a terminal, -v listings, and warnings, as bup index does.</summary>
    private sealed class IndexProgress(int verbose)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly bool _tty = !Console.IsErrorRedirected;
        private long _count;
        private long _lastDraw;

        public void Record(byte[] path, IndexRecord record)
        {
            _count++;
            if (verbose >= 1 && record.IsDirectory)
            {
                using var stdout = Console.OpenStandardOutput();
                stdout.Write([.. path, (byte)'\n']);
            }

            if (_tty && _clock.ElapsedMilliseconds - _lastDraw >= 100)
            {
                _lastDraw = _clock.ElapsedMilliseconds;
                Console.Error.Write($"Indexing: {_count} ({Rate()} paths/s)\r");
            }
        }

        public void Warn(string message) => Console.Error.WriteLine(message);

        public void Done(IndexStatistics stats)
        {
            if (_tty)
            {
                Console.Error.WriteLine($"Indexing: {_count}, done ({Rate()} paths/s).");
            }
        }

        private long Rate() => (long)(_count / Math.Max(_clock.Elapsed.TotalSeconds, 0.001));
    }
}
