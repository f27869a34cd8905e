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
        command.Options.Add(GlobalOptions.Remote);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var problems = new Problems();
        using var fs = new RepoFileSystem(GlobalOptions.OpenRepo(r), new RepoFileSystemOptions { Warning = problems.Warn });
        using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
        var format = LsFormat.From(r, Long, Hash, CommitHash, Classify, FileType, Human, NumericIds);
        // Paths are bytes (bup's argv_bytes); held as Latin-1 text, one char per byte, so that the
        // path arithmetic below cannot change a byte that is not UTF-8.
        var paths = r.GetValue(Paths) is { Length: > 0 } given
            ? given.Select(p => Encoding.Latin1.GetString(ByteArguments.Current.Get(p))).ToArray()
            : ["/"];
        for (var i = 0; i < paths.Length; i++)
        {
            if (paths.Length > 1)
            {
                // bup ls heads each listing with the path as given.
                stdout.Write(Encoding.Latin1.GetBytes(paths[i] + ":\n"));
            }

            // bup's loop `continue`s past the blank line after a path that does not resolve.
            var found = List(fs, paths[i], r, format, new Output(stdout, problems));
            if (found && i < paths.Length - 1)
            {
                stdout.WriteByte((byte)'\n');
            }
        }

        return problems.Count > 0 ? 1 : 0;
    }

    // path is Latin-1 text of the argument's bytes. bup resolves a relative path from the root.
    // False when the path does not resolve.
    private static bool List(RepoFileSystem fs, string path, ParseResult r, LsFormat format, Output output)
    {
        var absolute = path.StartsWith('/') ? path : "/" + path;
        var shown = NameText.Display(Encoding.Latin1.GetBytes(path));
        var directoryOnly = r.GetValue(DirectoryOnly);
        BupFs.NodeAttributes? found;
        try
        {
            // Like bup's try_resolve: a final symlink is followed when its target exists.
            found = (directoryOnly ? null : TryResolve(fs, absolute, follow: true)) ?? TryResolve(fs, absolute);
        }
        catch (FsException e) when (e.Error is FsError.Io or FsError.AccessDenied)
        {
            output.Problems.Error($"cannot access '{shown}': {e.Message}");
            return true;
        }

        if (found is not { } node)
        {
            output.Problems.Error($"cannot access '{shown}': no such file or directory");
            return false;
        }

        if (node.Kind != BupFs.NodeKind.Directory || directoryOnly)
        {
            // bup ls prints a single entry as os.path.normpath of the path as given.
            var name = Encoding.Latin1.GetBytes(NormalizePath(path));
            WriteEntry(fs, format, name, node, NameText.Display(name), output);
            return true;
        }

        ListDirectory(fs, absolute, shown, r, format, output);
        return true;
    }

    // shown: the path as given, for messages. The directory is held by a reference: listing a
    // large one turns over the view's idle nodes (issue 12).
    private static void ListDirectory(RepoFileSystem fs, string absolute, string shown, ParseResult r, LsFormat format, Output output)
    {
        BupFs.NodeAttributes held;
        try
        {
            held = fs.ResolveAndLookup(Encoding.Latin1.GetBytes(absolute), followFinalSymlink: true);
        }
        catch (FsException e) when (e.Error is FsError.Io or FsError.AccessDenied or FsError.NotFound)
        {
            output.Problems.Error($"cannot list '{shown}': {e.Message}");
            return;
        }

        var where = NameText.Display(Encoding.Latin1.GetBytes(NormalizePath(absolute).TrimEnd('/')));
        try
        {
            IEnumerable<(byte[] Name, BupFs.NodeAttributes Node)> contents;
            try
            {
                contents = Contents(fs, absolute, held, r);
            }
            catch (FsException e) when (e.Error is FsError.Io or FsError.AccessDenied)
            {
                output.Problems.Error($"cannot list '{shown}': {e.Message}");
                return;
            }

            foreach (var (name, attributes) in contents)
            {
                WriteListed(fs, format, held.Inode, name, attributes, $"{where}/{NameText.Display(name)}", output);
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
            var (meta, shown) = format.Long ? Metadata(fs, node) : ((BupMetadata?)null, node);
            format.Write(fs, name, shown, meta, line);
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
    // newest save's root folder, its mode included (vfs.revlist_items gives the branch that
    // folder's metadata): `bup ls -l /` shows drwx------ for a branch whose saved root was 0700.
    private static (BupMetadata? Meta, BupFs.NodeAttributes Node) Metadata(RepoFileSystem fs, BupFs.NodeAttributes node)
    {
        var meta = fs.GetMetadata(node.Inode);
        if (meta is not null || fs.GetObjectId(node.Inode) is not null || fs.GetCommitId(node.Inode) is null)
        {
            return (meta, node);
        }

        var latest = fs.Lookup(node.Inode, "latest"u8);
        var save = fs.Lookup(node.Inode, fs.ReadLink(latest.Inode));
        var root = fs.GetMetadata(save.Inode);
        return (root, root is { Mode: not 0 } ? node with { Mode = root.Mode } : node);
    }

    /// <summary>
    /// Python's posixpath.normpath, which bup ls applies to a path it prints: "." for nothing,
    /// exactly two leading slashes kept (POSIX leaves "//" to the implementation), ".." dropped at
    /// the root and kept at the start of a relative path, no trailing slash.
    /// </summary>
    internal static string NormalizePath(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var slashes = !path.StartsWith('/') ? 0 : path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("///", StringComparison.Ordinal) ? 2 : 1;
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part != ".." || (slashes == 0 && (parts.Count == 0 || parts[^1] == "..")))
            {
                parts.Add(part);
            }
            else if (parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }
        }

        var result = new string('/', slashes) + string.Join('/', parts);
        return result.Length == 0 ? "." : result;
    }

    private static BupFs.NodeAttributes? TryResolve(RepoFileSystem fs, string path, bool follow = false)
    {
        try
        {
            return fs.Resolve(Encoding.Latin1.GetBytes(path), follow);
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
