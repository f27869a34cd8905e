using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Text;
using System.Text.Unicode;
using BupBackup.Restore;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs restore [-C DEST] [--numeric-ids] [--exclude-rx RX] [--exclude-rx-from FILE]
/// [--map-user|--map-group|--map-uid|--map-gid OLD=NEW] [--[no-]sparse] [-q|-v] [--tar] PATH...: bup
/// restore's paths, options, -v output and exit status; --tar streams a pax archive to stdout instead.
/// bup's -r/--remote is not offered: bupfs has no client for bup's server protocol.
/// </summary>
public static class RestoreCommand
{
    private static readonly Option<string?> OutDir = new("--outdir", "-C") { Description = "restore into DEST (created if missing) instead of the current directory" };
    private static readonly Option<bool> NumericIds = new("--numeric-ids") { Description = "restore numeric user and group ids rather than names" };
    private static readonly Option<bool> Sparse = new("--sparse") { Description = "create sparse files: whole 4 KiB zero blocks become holes" };
    private static readonly Option<bool> NoSparse = new("--no-sparse") { Description = "write runs of zeros as data (the default)" };
    private static readonly Option<string[]> ExcludeRx = new("--exclude-rx") { Description = "skip paths matching the unanchored (Python) regex, e.g. '/cache/$' (repeatable)" };
    private static readonly Option<string[]> ExcludeRxFrom = new("--exclude-rx-from") { Description = "read --exclude-rx patterns from FILE, one per line (repeatable)" };
    private static readonly Option<string[]> MapUser = new("--map-user") { Description = "given OLD=NEW, restore OLD user as NEW user (NEW empty: use the uid)" };
    private static readonly Option<string[]> MapGroup = new("--map-group") { Description = "given OLD=NEW, restore OLD group as NEW group (NEW empty: use the gid)" };
    private static readonly Option<string[]> MapUid = new("--map-uid") { Description = "given OLD=NEW, restore OLD uid as NEW uid" };
    private static readonly Option<string[]> MapGid = new("--map-gid") { Description = "given OLD=NEW, restore OLD gid as NEW gid" };
    private static readonly Option<bool> Tar = new("--tar") { Description = "write a pax tar archive to stdout instead of files" };
    private static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "no progress output" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "list directories; twice: every entry", Arity = ArgumentArity.Zero, AllowMultipleArgumentsPerToken = true };
    private static readonly Argument<string[]> Paths = new("paths") { Description = "paths such as /NAME/latest/home/me (end with '/' to restore only the contents)", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("restore", "restore files from saves (as bup restore), or stream them as tar")
        {
            OutDir, NumericIds, ExcludeRx, ExcludeRxFrom, Sparse, NoSparse, MapUser, MapGroup, MapUid, MapGid, Tar, Quiet, Verbose, Paths,
        };
        command.Options.Add(GlobalOptions.Remote);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        if (r.GetValue(Tar) && r.GetValue(OutDir) is not null)
        {
            throw new CliException("--tar writes to stdout; it cannot be combined with -C", CliException.UsageExit);
        }

        var raw = ByteArguments.Current;
        var (exclusions, owners) = (Exclusions(r, raw), Owners(r, raw));
        using var repo = GlobalOptions.OpenRepo(r);
        if (r.GetValue(Paths) is not { Length: > 0 })
        {
            // bup checks the repository first: a missing one is 15 even without paths.
            throw new CliException("must specify at least one filename to restore", CliException.UsageExit);
        }

        // Flushed on success only: after a broken pipe, a flush in Dispose would hide the real error.
        var stdout = new BufferedStream(StandardOutput(), 1 << 20);
        using var stderr = Console.OpenStandardError();
        var progress = new Progress(!r.GetValue(Quiet) && !Console.IsErrorRedirected);
        var options = Options(r, r.GetValue(Tar) ? stderr : stdout, progress) with { Exclusions = exclusions, OwnerMap = owners };
        var paths = r.GetValue(Paths)!.Select(p => raw.Get(p)).ToList();
        using var restorer = new Restorer(repo, options);
        var summary = r.GetValue(Tar)
            ? restorer.WriteTar(stdout, paths)
            : restorer.RestoreTo(raw.Get(r.GetValue(OutDir) ?? "."), paths);
        stdout.Flush();
        return Finish(summary, progress);
    }

    // bup's ending: the count on a terminal, then one line and status 1 if anything failed.
    private static int Finish(RestoreSummary summary, Progress progress)
    {
        progress.Done(summary.Restored);
        if (summary.Errors == 0)
        {
            return 0;
        }

        Console.Error.WriteLine($"warning: {summary.Errors} errors encountered");
        return 1;
    }

    private static RestoreOptions Options(ParseResult r, Stream listing, Progress progress) => new()
    {
        NumericIds = r.GetValue(NumericIds),
        Sparse = WantsSparse(r),
        Verbosity = r.GetValue(Quiet) ? 0 : VerboseCount(r),
        Listing = listing,
        Error = static message => Console.Error.WriteLine($"error: {message}"),
        Warning = static message => Console.Error.WriteLine($"warning: {message}"),
        Progress = progress.Enabled ? progress.Update : null,
    };

    // bup restore writes zeros as data unless --sparse; its option parser gives every flag a
    // --no- form and lets the last of the two given win.
    private static bool WantsSparse(ParseResult r) =>
        r.Tokens.LastOrDefault(t => t.Type == TokenType.Option && t.Value is "--sparse" or "--no-sparse")?.Value == "--sparse";

    // Patterns are bytes, as bup compiles them; a file's lines too.
    private static RestoreExclusions Exclusions(ParseResult r, ByteArguments raw)
    {
        var patterns = (r.GetValue(ExcludeRx) ?? []).Select(p => raw.Get(p)).ToList();
        foreach (var file in r.GetValue(ExcludeRxFrom) ?? [])
        {
            patterns.AddRange(RestoreExclusions.Lines(ReadPatternFile(file)));
        }

        try
        {
            return RestoreExclusions.Parse(patterns);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, CliException.UsageExit);
        }
    }

    private static byte[] ReadPatternFile(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"couldn't read {file}: {e.Message}", CliException.UsageExit);
        }
    }

    private static OwnerMap Owners(ParseResult r, ByteArguments raw)
    {
        var map = new OwnerMap();
        try
        {
            Array.ForEach(r.GetValue(MapUser) ?? [], a => map.AddUser(raw.Get(a)));
            Array.ForEach(r.GetValue(MapGroup) ?? [], a => map.AddGroup(raw.Get(a)));
            Array.ForEach(r.GetValue(MapUid) ?? [], a => map.AddUid(raw.Get(a)));
            Array.ForEach(r.GetValue(MapGid) ?? [], a => map.AddGid(raw.Get(a)));
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message, CliException.UsageExit);
        }

        return map;
    }

    // The console stream drops writes to a closed pipe without a word; a tar stream whose reader
    // went away (ssh dropped, tar failed) must stop the restore instead, so fd 1 is written directly.
    private static Stream StandardOutput() =>
        new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1, isAsync: false);

    // -v, -vv and -v -v all count.
    private static int VerboseCount(ParseResult r) => r.GetResult(Verbose)?.IdentifierTokenCount ?? 0;

    /// <summary>bup's "Restoring: N" line, on a terminal only, at most ten times a second.</summary>
    private sealed class Progress(bool enabled)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastDraw = -1000;

        public bool Enabled => enabled;

        public void Update(long restored)
        {
            var now = _clock.ElapsedMilliseconds;
            if (now - Interlocked.Read(ref _lastDraw) >= 100)
            {
                Interlocked.Exchange(ref _lastDraw, now);
                Console.Error.Write($"Restoring: {restored}\r");
            }
        }

        public void Done(long restored)
        {
            if (enabled)
            {
                Console.Error.WriteLine($"Restoring: {restored}, done.");
            }
        }
    }
}
