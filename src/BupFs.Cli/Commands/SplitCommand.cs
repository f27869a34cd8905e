using System.CommandLine;
using System.Globalization;
using System.Text;
using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs split: hashsplit files or stdin into the repository, with bup split's options and output.
/// --noop and --copy split without writing (no repository needed unless --git-ids); --git-ids
/// splits the contents of objects named on stdin, read in bup's 64 KiB pieces.
/// </summary>
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
    private static readonly Option<int> Fanout = new Option<int>("--fanout") { Description = "chunk tree fanout (default 16)", DefaultValueFactory = _ => 16 }.InRange(1, int.MaxValue).BadValueFails();
    private static readonly Option<long?> MaxPackSize = new Option<long?>("--max-pack-size") { Description = "close packs at this many bytes" }.InRange(1, long.MaxValue).BadValueFails();
    private static readonly Option<int?> MaxPackObjects = new Option<int?>("--max-pack-objects") { Description = "close packs at this many objects" }.InRange(1, int.MaxValue).BadValueFails();
    private static readonly Option<int> Compress = new Option<int>("--compress", "-#") { Description = "zlib level 0-9 (default 1; -0 .. -9 as in bup)", DefaultValueFactory = _ => 1 }.InRange(0, 9).BadValueFails();
    // Started with the process's first use of the command, as bup's start_time.
    private static readonly System.Diagnostics.Stopwatch s_clock = System.Diagnostics.Stopwatch.StartNew();
    private static readonly Option<bool> Bench = new("--bench") { Description = "print benchmark timings to stderr" };
    private static readonly Option<bool> Noop = new("--noop") { Description = "split the input, but store nothing (with -b/-t: print the ids it would have)" };
    private static readonly Option<bool> Copy = new("--copy") { Description = "split the input, copy it to stdout, store nothing" };
    private static readonly Option<bool> GitIds = new("--git-ids") { Description = "read object ids from stdin and split each object's content" };

    /// <summary>bup reads objects for --git-ids through cat-file in pieces of this size, and each is one put.</summary>
    private const int GitIdsPutSize = 65536;
    private static readonly Argument<string[]> Files = new("files") { Description = "files to split (default: stdin)", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("split", "hashsplit files or stdin into the repository (as bup split)")
        {
            Blobs, Tree, CommitOpt, Name, Noop, Copy, Date, Quiet, Verbose, GitIds, KeepBoundaries, Fanout, MaxPackSize, MaxPackObjects, Compress, Bench, Files,
        };
        command.Options.Add(GlobalOptions.Remote);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var name = r.GetValue(Name);
        Validate(r, name);
        var writing = !r.GetValue(Noop) && !r.GetValue(Copy);
        using var repo = writing ? GlobalOptions.OpenRepoForWriting(r) : r.GetValue(GitIds) ? GlobalOptions.OpenRepo(r) : null;
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        return writing ? SplitAndStore(r, repo!, name, stdout) : SplitWithoutStoring(r, repo, stdout);
    }

    private static int SplitAndStore(ParseResult r, Repository repo, string? name, StreamWriter stdout)
    {
        var refName = name is null ? null : "refs/heads/" + name;
        var parent = refName is not null && repo.Refs.TryRead(refName, out var old) ? old : ObjectId.Zero;
        using var writer = repo.CreateWriter(new WriterOptions
        {
            CompressionLevel = r.GetValue(Compress),
            MaxPackSize = r.GetValue(MaxPackSize) ?? GlobalOptions.LocalPackSizeLimit(r),
            MaxPackObjects = r.GetValue(MaxPackObjects),
        });
        var (tree, size) = SplitInputs(r, repo, writer, stdout);
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
        ReportBench(r, size);
        return 0;
    }

    /// <summary>--bench (or -vv): bup's throughput line.</summary>
    private static void ReportBench(ParseResult r, long size)
    {
        if (r.GetValue(Bench))
        {
            var secs = Math.Max(s_clock.Elapsed.TotalSeconds, 1e-6);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bup: {size / 1024.0:F2} kbytes in {secs:F2} secs = {size / 1024.0 / secs:F2} kbytes/sec"));
        }
    }

    /// <summary>
    /// --noop and --copy. With -b or -t the ids are computed as if stored (bup's NoOpPackWriter);
    /// otherwise the input is only split, and with --copy written to stdout chunk by chunk. bup
    /// 0.33 under Python 3 writes each chunk's Python repr there ("b'...'" or "&lt;memory at ...&gt;");
    /// we write what its manual promises, the data itself.
    /// </summary>
    private static int SplitWithoutStoring(ParseResult r, Repository? repo, StreamWriter stdout)
    {
        if (r.GetValue(Blobs) || r.GetValue(Tree))
        {
            var (tree, size) = SplitInputs(r, repo, writer: null, stdout);
            if (tree is { } shown)
            {
                stdout.WriteLine(shown.ToString());
            }

            ReportBench(r, size);
            return 0;
        }

        using var copy = r.GetValue(Copy) ? new BufferedStream(Console.OpenStandardOutput(), 1 << 20) : null;
        using var progress = new ProgressBar("split", TotalSize(r), r.GetValue(Quiet));
        var splitter = new HashSplitter((int)Math.Log2(r.GetValue(Fanout)));
        foreach (var source in Inputs(r, repo))
        {
            while (splitter.Put(source, PutSize(r)) is { } batch)
            {
                Emit(batch, copy, progress);
            }

            if (r.GetValue(KeepBoundaries))
            {
                Emit(splitter.Finish(), copy, progress);
            }
        }

        Emit(splitter.Finish(), copy, progress);
        return 0;
    }

    private static void Emit(SplitBatch batch, Stream? copy, ProgressBar progress)
    {
        using (batch)
        {
            for (var i = 0; i < batch.Chunks.Count; i++)
            {
                copy?.Write(batch.Data(i));
                progress.Add(batch.Chunks[i].Length);
            }
        }
    }

    /// <summary>bup split's option rules, with its messages.</summary>
    private static void Validate(ParseResult r, string? name)
    {
        var (blobs, tree, commit, named) = (r.GetValue(Blobs), r.GetValue(Tree), r.GetValue(CommitOpt), name is not null);
        var (noop, copy) = (r.GetValue(Noop), r.GetValue(Copy));
        if (!blobs && !tree && !commit && !named && !noop && !copy)
        {
            throw new CliException("use one or more of -b, -t, -c, -n, --noop, --copy", CliException.UsageExit);
        }

        if (copy && (blobs || tree))
        {
            throw new CliException("--copy is incompatible with -b, -t", CliException.UsageExit);
        }

        if ((noop || copy) && (commit || named))
        {
            throw new CliException("--noop and --copy are incompatible with -c, -n", CliException.UsageExit);
        }

        if (blobs && (tree || commit || named))
        {
            throw new CliException("-b is incompatible with -t, -c, -n", CliException.UsageExit);
        }

        if (r.GetValue(GitIds) && (r.GetValue(Files) ?? []).Length > 0)
        {
            throw new CliException("don't provide filenames when using --git-ids", CliException.UsageExit);
        }

        ValidateValues(r, name);
    }

    private static void ValidateValues(ParseResult r, string? name)
    {
        if (name is not null && !RefNames.IsValidBranchName(name))
        {
            throw new CliException($"'{name}' is not a valid branch name", CliException.UsageExit);
        }

        if (r.GetValue(Fanout) < 2)
        {
            throw new CliException("--fanout must be at least 2", CliException.UsageExit);
        }
    }

    /// <summary>Splits into <paramref name="writer"/> (null: ids only); the tree to report, if any, and the size.</summary>
    private static (ObjectId? Tree, long Size) SplitInputs(ParseResult r, Repository? repo, ObjectWriter? writer, StreamWriter stdout)
    {
        using var progress = new ProgressBar("split", TotalSize(r), r.GetValue(Quiet));
        var splitter = new StreamSplitter(writer, (int)Math.Log2(r.GetValue(Fanout)))
        {
            OnBlob = r.GetValue(Blobs) ? id => stdout.WriteLine(id.ToString()) : null,
            OnProgress = n => progress.Add(n),
            PutSize = PutSize(r),
        };
        var result = splitter.Split(Inputs(r, repo), r.GetValue(KeepBoundaries));
        if (r.GetValue(Blobs))
        {
            return (null, result.Size);
        }

        if (r.GetValue(Name) is null || writer is null)
        {
            return (result.Tree.FinishTree(), result.Size);
        }

        // -n stores the data under one entry, "data" or "data.bup", so the branch can be restored.
        var (mode, id) = result.BlobOrTree();
        var entry = new TreeEntry(mode, NameMangling.Mangle("data"u8, mode == GitFileMode.Tree), id);
        return (writer.Write(ObjectType.Tree, TreeCodec.Format([entry])), result.Size);
    }

    private static int PutSize(ParseResult r) => r.GetValue(GitIds) ? GitIdsPutSize : HashSplitter.ReadSize;

    private static long TotalSize(ParseResult r)
    {
        var files = r.GetValue(Files) ?? [];
        return files.Length == 0 ? -1 : files.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
    }

    private static IEnumerable<Stream> Inputs(ParseResult r, Repository? repo) =>
        r.GetValue(GitIds) ? ObjectsNamedOnStdin(repo!) : OpenInputs(r.GetValue(Files) ?? []);

    /// <summary>
    /// --git-ids: each stdin line (trimmed) names an object whose content is one input. As with bup
    /// 0.33, whose cat-file reader reports an unknown name as an empty object, a line naming nothing
    /// is an empty input rather than an error.
    /// </summary>
    private static IEnumerable<Stream> ObjectsNamedOnStdin(Repository repo)
    {
        using var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        while (stdin.ReadLine() is { } line)
        {
            yield return new MemoryStream(TryReadObject(repo, line.Trim()) ?? [], writable: false);
        }
    }

    private static byte[]? TryReadObject(Repository repo, string name)
    {
        try
        {
            return name.Length > 0 && repo.Objects.TryRead(RevParse.Resolve(repo, name), out var obj) ? obj.Data : null;
        }
        catch (RepositoryException)
        {
            return null;
        }
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
