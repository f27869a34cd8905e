using System.CommandLine;
using System.Globalization;
using System.Text;
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs cat-file: print an object. With -t/-s/-p or a type it works like git cat-file on ids,
/// refs and REF:path; without them it prints the raw content of a blob or commit and a readable
/// listing of a tree. An argument starting with '/' is a path of the repository view instead
/// (/BRANCH/SAVE/path, as bup cat-file and the mount show it): the file's content is printed,
/// reassembled from its chunks, following symlinks (-s prints its size, -e tests that it exists).
/// --meta and --bupm print an entry's metadata record or a directory's .bupm, as bup cat-file does.
/// Paths are taken as the bytes given (ByteArguments).
/// </summary>
public static class CatFileCommand
{
    private static readonly Option<bool> TypeOnly = new("-t") { Description = "print the object's type" };
    private static readonly Option<bool> SizeOnly = new("-s") { Description = "print the object's size" };
    private static readonly Option<bool> Pretty = new("-p") { Description = "pretty-print the object (trees as listings)" };
    private static readonly Option<bool> Exists = new("-e") { Description = "exit 0 if the object exists, 1 if not, printing nothing" };
    private static readonly Option<bool> Meta = new("--meta") { Description = "print a view path's metadata record, encoded as bup encodes it" };
    private static readonly Option<bool> BupmFile = new("--bupm") { Description = "print a view directory's .bupm as stored" };
    private static readonly Argument<string[]> Args = new("object") { Description = "[TYPE] ID|REF|REF:path, or /BRANCH/SAVE/path", Arity = new ArgumentArity(1, 2) };
    private const int CopyBufferSize = 1 << 20;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("cat-file", "print an object of the repository") { TypeOnly, SizeOnly, Pretty, Exists, Meta, BupmFile, Args };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        using var repo = GlobalOptions.OpenRepo(r);
        var args = r.GetValue(Args)!;
        if (r.GetValue(Meta) || r.GetValue(BupmFile))
        {
            return CatRecord(r, repo, args);
        }

        if (args[^1].StartsWith('/'))
        {
            return CatPath(r, repo, args);
        }

        var id = RevParse.Resolve(repo, args[^1]);
        if (r.GetValue(Exists))
        {
            return repo.Objects.Contains(id) ? 0 : 1;
        }

        var obj = repo.Objects.Read(id);
        if (args.Length == 2 && ObjectTypes.Parse(args[0]) != obj.Type)
        {
            throw new WrongObjectTypeException(id, ObjectTypes.Parse(args[0]), obj.Type);
        }

        using var stdout = Console.OpenStandardOutput();
        if (r.GetValue(TypeOnly) || r.GetValue(SizeOnly))
        {
            var text = r.GetValue(TypeOnly) ? ObjectTypes.NameString(obj.Type) : obj.Data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            stdout.Write(Encoding.ASCII.GetBytes(text + "\n"));
        }
        else if (obj.Type == ObjectType.Tree && (r.GetValue(Pretty) || args.Length == 1))
        {
            WriteTreeListing(stdout, TreeCodec.Parse(obj.Data, $"tree {id}"));
        }
        else
        {
            stdout.Write(obj.Data);
        }

        return 0;
    }

    // --meta and --bupm name a view path only, relative ones included, as in bup cat-file.
    private static int CatRecord(ParseResult r, Repository repo, string[] args)
    {
        if (r.GetValue(Meta) && r.GetValue(BupmFile))
        {
            throw new CliException("--meta and --bupm are incompatible", 2);
        }

        if (args.Length == 2 || r.GetValue(TypeOnly) || r.GetValue(SizeOnly) || r.GetValue(Pretty) || r.GetValue(Exists))
        {
            throw new CliException("--meta and --bupm take one /BRANCH/SAVE/path and no other option", 2);
        }

        using var stdout = Console.OpenStandardOutput();
        return CatFileRecords.Write(repo, ByteArguments.Current.Get(args[^1]), r.GetValue(BupmFile), stdout);
    }

    /// <summary>Prints a file of the repository view (git object ids never start with '/').</summary>
    private static int CatPath(ParseResult r, Repository repo, string[] args)
    {
        if (args.Length == 2 || r.GetValue(TypeOnly) || r.GetValue(Pretty))
        {
            throw new CliException("a TYPE, -t and -p work on object ids; with a /BRANCH/SAVE/path use no option, -s or -e", 2);
        }

        // The argument's own bytes (bup's argv_bytes): a name need not be UTF-8.
        var raw = ByteArguments.Current.Get(args[^1]);
        var path = NameText.Display(raw);
        using var fs = new RepoFileSystem(repo);
        if (r.GetValue(Exists))
        {
            return TryResolve(fs, raw, out _) is null ? 0 : 1;
        }

        if (TryResolve(fs, raw, out var node) is { } problem)
        {
            throw new CliException($"{path}: {problem}");
        }

        if (node.Kind != NodeKind.File)
        {
            throw new CliException(node.Kind == NodeKind.Directory ? $"{path}: is a directory" : $"{path}: is not a regular file ({node.Kind})");
        }

        using var stdout = Console.OpenStandardOutput();
        if (r.GetValue(SizeOnly))
        {
            stdout.Write(Encoding.ASCII.GetBytes(node.Size.ToString(CultureInfo.InvariantCulture) + "\n"));
            return 0;
        }

        using var content = fs.OpenRead(node.Inode);
        try
        {
            content.CopyTo(stdout, CopyBufferSize);
        }
        catch (FsException e) when (e.Error == FsError.Io)
        {
            // The object's own message names it; the path is what the user asked for.
            throw new CliException($"{path}: {e.Message}");
        }

        return 0;
    }

    /// <summary>Resolves <paramref name="path"/> following every symlink; null, or why it does not resolve.</summary>
    private static string? TryResolve(RepoFileSystem fs, byte[] path, out NodeAttributes node)
    {
        try
        {
            node = fs.Resolve(path, followFinalSymlink: true);
            return null;
        }
        catch (FsException e) when (e.Error is FsError.NotFound or FsError.NotDirectory or FsError.Loop)
        {
            node = default;
            return e.Error switch
            {
                FsError.NotFound => "no such file or directory",
                FsError.NotDirectory => "not a directory",
                _ => "too many levels of symbolic links",
            };
        }
    }

    private static void WriteTreeListing(Stream output, List<TreeEntry> entries)
    {
        foreach (var e in entries)
        {
            var kind = e.Mode switch { GitFileMode.Tree => "tree", GitFileMode.Gitlink => "commit", _ => "blob" };
            output.Write(Encoding.ASCII.GetBytes($"{Convert.ToString((int)e.Mode, 8).PadLeft(6, '0')} {kind} {e.Id}\t"));
            output.Write(e.Name);
            output.WriteByte((byte)'\n');
        }
    }
}
