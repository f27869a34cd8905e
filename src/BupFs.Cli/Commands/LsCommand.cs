using System.CommandLine;
using System.Globalization;
using System.Text;
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs ls: list the repository tree without mounting, with bup ls's options and output format
/// (bup's ls.py and metadata.summary_bytes are the reference; tests compare against real bup).
/// Damage is never silent (docs/DESIGN.md): each problem the view reports or meets (an unreadable
/// save, commit or .bupm) is a line on stderr, the entry concerned is still listed, and the exit
/// status is 1.
/// </summary>
public static class LsCommand
{
    private static readonly Option<bool> Long = new("-l") { Description = "long listing: mode, owner, size, time" };
    private static readonly Option<bool> All = new("--all", "-a") { Description = "show hidden entries, and . and .." };
    private static readonly Option<bool> AlmostAll = new("--almost-all", "-A") { Description = "show hidden entries except . and .." };
    private static readonly Option<bool> Hash = new("--hash", "-s") { Description = "show the object id of each entry" };
    private static readonly Option<bool> CommitHash = new("--commit-hash") { Description = "show the commit id instead of the tree id for saves (implies -s)" };
    private static readonly Option<bool> DirectoryOnly = new("--directory", "-d") { Description = "show directories, not their contents" };
    private static readonly Option<bool> Classify = new("--classify", "-F") { Description = "append type indicator: dir/ sym@ fifo| sock= exec*" };
    private static readonly Option<bool> FileType = new("--file-type") { Description = "append type indicator: dir/ sym@ fifo| sock=" };
    private static readonly Option<bool> Human = new("--human-readable") { Description = "print sizes as 3.9K, 4.7M" };
    private static readonly Option<bool> NumericIds = new("--numeric-ids", "-n") { Description = "list numeric user and group ids rather than names" };
    private static readonly Argument<string[]> Paths = new("paths") { Description = "paths such as /NAME/latest/home (default: /)", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("ls", "list saves and their contents (as bup ls)")
        {
            Long, All, AlmostAll, Hash, CommitHash, DirectoryOnly, Classify, FileType, Human, NumericIds, Paths,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var problems = new Problems();
        using var fs = new RepoFileSystem(GlobalOptions.OpenRepo(r), new RepoFileSystemOptions { Warning = problems.Warn });
        using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
        var format = LsFormat.From(r, Long, Hash, CommitHash, Classify, FileType, Human, NumericIds);
        var paths = r.GetValue(Paths) is { Length: > 0 } given ? given : ["/"];
        for (var i = 0; i < paths.Length; i++)
        {
            if (paths.Length > 1)
            {
                stdout.Write(Encoding.UTF8.GetBytes(paths[i] + ":\n"));
            }

            List(fs, paths[i], r, format, new Output(stdout, problems));
            if (i < paths.Length - 1)
            {
                stdout.WriteByte((byte)'\n');
            }
        }

        return problems.Count > 0 ? 1 : 0;
    }

    private static void List(RepoFileSystem fs, string path, ParseResult r, LsFormat format, Output output)
    {
        var absolute = path.StartsWith('/') ? path : "/" + path;
        var directoryOnly = r.GetValue(DirectoryOnly);
        BupFs.NodeAttributes? found;
        try
        {
            // Like bup's try_resolve: a final symlink is followed when its target exists.
            found = (directoryOnly ? null : TryResolve(fs, absolute, follow: true)) ?? TryResolve(fs, absolute);
        }
        catch (FsException e) when (e.Error is FsError.Io or FsError.AccessDenied)
        {
            output.Problems.Error($"cannot access '{path}': {e.Message}");
            return;
        }

        if (found is not { } node)
        {
            output.Problems.Error($"cannot access '{path}': no such file or directory");
            return;
        }

        var normalized = Normalize(absolute);
        if (node.Kind != BupFs.NodeKind.Directory || directoryOnly)
        {
            WriteEntry(fs, format, Encoding.UTF8.GetBytes(normalized), node, normalized, output);
            return;
        }

        ListDirectory(fs, path, absolute, normalized, r, format, output);
    }

    // The directory is held by a reference: listing a large one turns over the view's idle nodes (issue 12).
    private static void ListDirectory(RepoFileSystem fs, string path, string absolute, string normalized, ParseResult r, LsFormat format, Output output)
    {
        BupFs.NodeAttributes held;
        try
        {
            held = fs.ResolveAndLookup(Encoding.UTF8.GetBytes(absolute), followFinalSymlink: true);
        }
        catch (FsException e) when (e.Error is FsError.Io or FsError.AccessDenied or FsError.NotFound)
        {
            output.Problems.Error($"cannot list '{path}': {e.Message}");
            return;
        }

        try
        {
            IEnumerable<(byte[] Name, BupFs.NodeAttributes Node)> contents;
            try
            {
                contents = Contents(fs, absolute, held, r);
            }
            catch (FsException e) when (e.Error is FsError.Io or FsError.AccessDenied)
            {
                output.Problems.Error($"cannot list '{path}': {e.Message}");
                return;
            }

            foreach (var (name, attributes) in contents)
            {
                WriteListed(fs, format, held.Inode, name, attributes, $"{normalized.TrimEnd('/')}/{NameText.Display(name)}", output);
            }
        }
        finally
        {
            fs.Forget(held.Inode, 1);
        }
    }

    // A directory can list more entries than the view keeps idle nodes (RetainedIdleNodes), so the
    // first ones are gone by the time they are printed: each is looked up again by name and held
    // while its line is written (a short line needs nothing but the listing). "." is the held
    // directory; ".." was resolved for the listing.
    private static void WriteListed(RepoFileSystem fs, LsFormat format, ulong directory, byte[] name, BupFs.NodeAttributes listed, string where, Output output)
    {
        var needsNode = format.Long || format.Hash;
        if (!needsNode || name.AsSpan().SequenceEqual("."u8) || name.AsSpan().SequenceEqual(".."u8))
        {
            WriteEntry(fs, format, name, listed, where, output);
            return;
        }

        BupFs.NodeAttributes current;
        try
        {
            current = fs.Lookup(directory, name);
        }
        catch (FsException e) when (e.Error is FsError.Io or FsError.AccessDenied)
        {
            WriteDamaged(fs, format, name, listed, where, output, e);
            return;
        }

        try
        {
            WriteEntry(fs, format, name, current, where, output);
        }
        finally
        {
            fs.Forget(current.Inode, 1);
        }
    }

    // An entry that cannot be read (a save whose tree is damaged) is still listed, with bup's
    // stand-in metadata, and a warning says which and why.
    private static void WriteEntry(RepoFileSystem fs, LsFormat format, byte[] name, BupFs.NodeAttributes node, string where, Output output)
    {
        var line = new MemoryStream();
        try
        {
            format.Write(fs, name, node, format.Long ? Metadata(fs, node) : null, line);
        }
        catch (FsException e) when (e.Error is FsError.Io or FsError.AccessDenied)
        {
            WriteDamaged(fs, format, name, node, where, output, e);
            return;
        }

        line.WriteTo(output.Stdout);
    }

    private static void WriteDamaged(RepoFileSystem fs, LsFormat format, byte[] name, BupFs.NodeAttributes node, string where, Output output, FsException e)
    {
        // Flushed first, so on a terminal the warning follows the lines listed before it.
        output.Stdout.Flush();
        output.Problems.Warn($"{where}: cannot be read: {e.Message}");
        var line = new MemoryStream();
        format.Write(fs, name, node, null, line, damaged: true);
        line.WriteTo(output.Stdout);
    }

    // bup lists "." with -a only, adds ".." with -a, and hides other dot names without -a or -A.
    private static IEnumerable<(byte[] Name, BupFs.NodeAttributes Node)> Contents(RepoFileSystem fs, string path, BupFs.NodeAttributes node, ParseResult r)
    {
        var all = r.GetValue(All);
        var hidden = all || r.GetValue(AlmostAll);
        var entries = fs.ReadDirectory(node.Inode)
            .Where(e => hidden || e.Name.Length == 0 || e.Name[0] != (byte)'.')
            .Select(e => (e.Name, e.Attributes));
        if (all)
        {
            var parent = TryResolve(fs, path.TrimEnd('/') + "/..") ?? node;
            entries = entries.Append(("."u8.ToArray(), node)).Append((".."u8.ToArray(), parent));
        }

        return entries.OrderBy(e => e.Name, ByteOrder.Instance).ToList();
    }

    // bup shows a branch (a node with a commit but no tree of its own) with the metadata of its
    // newest save's root folder.
    private static BupMetadata? Metadata(RepoFileSystem fs, BupFs.NodeAttributes node)
    {
        var meta = fs.GetMetadata(node.Inode);
        if (meta is not null || fs.GetObjectId(node.Inode) is not null || fs.GetCommitId(node.Inode) is null)
        {
            return meta;
        }

        var latest = fs.Lookup(node.Inode, "latest"u8);
        var save = fs.Lookup(node.Inode, fs.ReadLink(latest.Inode));
        return fs.GetMetadata(save.Inode);
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    private static BupFs.NodeAttributes? TryResolve(RepoFileSystem fs, string path, bool follow = false)
    {
        try
        {
            return fs.Resolve(Encoding.UTF8.GetBytes(path), follow);
        }
        catch (FsException e) when (e.Error is FsError.NotFound or FsError.NotDirectory or FsError.Loop)
        {
            return null;
        }
    }

    private sealed record Output(Stream Stdout, Problems Problems);

    /// <summary>What went wrong: each problem is one line on stderr, and any makes the exit status 1.</summary>
    private sealed class Problems
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        // Also the view's warning callback: damaged .bupm files, unreadable commits, hidden saves.
        public void Warn(string message)
        {
            Interlocked.Increment(ref _count);
            Console.Error.WriteLine($"bupfs ls: warning: {message}");
        }

        public void Error(string message)
        {
            Interlocked.Increment(ref _count);
            Console.Error.WriteLine($"bupfs ls: error: {message}");
        }
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
