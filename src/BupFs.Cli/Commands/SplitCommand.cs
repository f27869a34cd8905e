using System.CommandLine;
using System.Text;
using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>bupfs split: hashsplit files or stdin into the repository, with bup split's options and output.</summary>
public static class SplitCommand
{
    private static readonly Option<bool> Blobs = new("--blobs", "-b") { Description = "output one blob id per chunk" };
    private static readonly Option<bool> Tree = new("--tree", "-t") { Description = "output the id of the tree of chunks" };
    private static readonly Option<bool> CommitOpt = new("--commit", "-c") { Description = "output the id of a commit of the tree" };
    private static readonly Option<string?> Name = new("--name", "-n") { Description = "save the result as branch NAME" };
    private static readonly Option<double?> Date = new("--date", "-d") { Description = "commit date, seconds since the epoch" };
    private static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "no progress output" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "report totals on stderr" };
    private static readonly Option<bool> KeepBoundaries = new("--keep-boundaries") { Description = "never let a chunk span two input files" };
    private static readonly Option<int> Fanout = new("--fanout") { Description = "chunk tree fanout (default 16)", DefaultValueFactory = _ => 16 };
    private static readonly Option<long?> MaxPackSize = new("--max-pack-size") { Description = "close packs at this many bytes" };
    private static readonly Option<int?> MaxPackObjects = new("--max-pack-objects") { Description = "close packs at this many objects" };
    private static readonly Option<int> Compress = new("--compress", "-#") { Description = "zlib level 0-9 (default 1)", DefaultValueFactory = _ => 1 };
    private static readonly Argument<string[]> Files = new("files") { Description = "files to split (default: stdin)", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("split", "hashsplit files or stdin into the repository (as bup split)")
        {
            Blobs, Tree, CommitOpt, Name, Date, Quiet, Verbose, KeepBoundaries, Fanout, MaxPackSize, MaxPackObjects, Compress, Files,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var name = r.GetValue(Name);
        Validate(r, name);
        using var repo = GlobalOptions.OpenRepo(r);
        var refName = name is null ? null : "refs/heads/" + name;
        var parent = refName is not null && repo.Refs.TryRead(refName, out var old) ? old : ObjectId.Zero;
        using var writer = repo.CreateWriter(new WriterOptions
        {
            CompressionLevel = r.GetValue(Compress),
            MaxPackSize = r.GetValue(MaxPackSize),
            MaxPackObjects = r.GetValue(MaxPackObjects),
        });
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        var (tree, size) = SplitInputs(r, writer, stdout);
        ObjectId commit = default;
        if (tree is { } t && (r.GetValue(CommitOpt) || name is not null))
        {
            commit = WriteCommit(writer, t, parent, r.GetValue(Date));
        }

        // Objects must be durable before any ref points at them.
        writer.Close();
        if (r.GetValue(Tree) && tree is { } shown)
        {
            stdout.WriteLine(shown.ToString());
        }

        if (r.GetValue(CommitOpt) && !commit.IsZero)
        {
            stdout.WriteLine(commit.ToString());
        }

        if (refName is not null)
        {
            repo.Refs.Update(refName, commit, parent, "bupfs split");
        }

        ReportTotals(r, size, writer);
        return 0;
    }

    private static void Validate(ParseResult r, string? name)
    {
        var blobs = r.GetValue(Blobs);
        if (!blobs && !r.GetValue(Tree) && !r.GetValue(CommitOpt) && name is null)
        {
            throw new CliException("use one or more of -b, -t, -c, -n", 2);
        }

        if (blobs && (r.GetValue(Tree) || r.GetValue(CommitOpt) || name is not null))
        {
            throw new CliException("-b is incompatible with -t, -c, -n", 2);
        }

        if (name is not null && !RefNames.IsValidBranchName(name))
        {
            throw new CliException($"'{name}' is not a valid branch name", 2);
        }

        var fanout = r.GetValue(Fanout);
        if (fanout < 2)
        {
            throw new CliException("--fanout must be at least 2", 2);
        }
    }

    private static (ObjectId? Tree, long Size) SplitInputs(ParseResult r, ObjectWriter writer, StreamWriter stdout)
    {
        var files = r.GetValue(Files) ?? [];
        long total = files.Length == 0 ? -1 : files.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
        using var progress = new ProgressBar("split", total, r.GetValue(Quiet));
        var splitter = new StreamSplitter(writer, (int)Math.Log2(r.GetValue(Fanout)))
        {
            OnBlob = r.GetValue(Blobs) ? id => stdout.WriteLine(id.ToString()) : null,
            OnProgress = n => progress.Add(n),
        };
        var result = splitter.Split(OpenInputs(files), r.GetValue(KeepBoundaries));
        if (r.GetValue(Blobs))
        {
            return (null, result.Size);
        }

        if (r.GetValue(Name) is null)
        {
            return (result.Tree.FinishTree(), result.Size);
        }

        // -n stores the data under one entry, "data" or "data.bup", so the branch can be restored.
        var (mode, id) = result.BlobOrTree();
        var entry = new TreeEntry(mode, NameMangling.Mangle("data"u8, mode == GitFileMode.Tree), id);
        return (writer.Write(ObjectType.Tree, TreeCodec.Format([entry])), result.Size);
    }

    private static IEnumerable<Stream> OpenInputs(string[] files)
    {
        if (files.Length == 0)
        {
            yield return Console.OpenStandardInput();
            yield break;
        }

        foreach (var f in files)
        {
            Stream s;
            try
            {
                s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"{f}: {e.Message}");
            }

            using (s)
            {
                yield return s;
            }
        }
    }

    private static ObjectId WriteCommit(ObjectWriter writer, ObjectId tree, ObjectId parent, double? date)
    {
        var argv = new[] { "bupfs" }.Concat(Environment.GetCommandLineArgs().Skip(1));
        var message = Encoding.UTF8.GetBytes($"bup split\n\nGenerated by command:\n{PythonRepr.List(PythonRepr.ArgvBytes(argv), withPrefix: true)}\n");
        return BupCommit.Write(writer, tree, parent, date is { } d ? (long)Math.Truncate(d) : null, message);
    }

    private static void ReportTotals(ParseResult r, long size, ObjectWriter writer)
    {
        if (r.GetValue(Verbose))
        {
            Console.Error.WriteLine($"bupfs: split {size} bytes; wrote {writer.ObjectsWritten} new objects ({writer.BytesWritten} bytes) in {writer.Packs.Count} pack(s)");
        }
    }
}
