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
/// listing of a tree. An argument starting with '/', or one naming no object that reads as
/// BRANCH/SAVE/path, is a path of the repository view instead (as bup cat-file and the mount show
/// it): the file's content is printed, reassembled from its chunks (-s prints its size, -e tests
/// that it exists). As in bup 0.33, a final symlink is not followed: like a directory, it is not a
/// plain file (usage error, 97).
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
    private static readonly Argument<string[]> Args = new("object") { Description = "[TYPE] ID|REF|REF:path, or /BRANCH/SAVE/path", Arity = new ArgumentArity(0, 2) };
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
        var args = r.GetValue(Args) ?? [];
        if (args.Length == 0)
        {
            // bup checks the repository first: a missing one is 15 even without a target.
            throw new CliException("must specify a target", CliException.UsageExit);
        }

        if (r.GetValue(Meta) || r.GetValue(BupmFile))
        {
            return CatRecord(r, repo, args);
        }

        if (args[^1].StartsWith('/') || IsRelativeViewPath(repo, args))
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

    // bup cat-file takes "t/latest/f" as a view path; here it is one when it names no object.
    private static bool IsRelativeViewPath(Repository repo, string[] args)
    {
        if (args.Length != 1 || !CatFileRecords.IsViewPath(ByteArguments.Current.Get(args[0])))
        {
            return false;
        }

        try
        {
            RevParse.Resolve(repo, args[0]);
            return false;
        }
        catch (RepositoryException)
        {
            return true;
        }
    }

    // --meta and --bupm name a view path only, relative ones included, as in bup cat-file.
    private static int CatRecord(ParseResult r, Repository repo, string[] args)
    {
        if (r.GetValue(Meta) && r.GetValue(BupmFile))
        {
            throw new CliException("--meta and --bupm are incompatible", CliException.UsageExit);
        }

        if (args.Length == 2 || r.GetValue(TypeOnly) || r.GetValue(SizeOnly) || r.GetValue(Pretty) || r.GetValue(Exists))
        {
            throw new CliException("--meta and --bupm take one /BRANCH/SAVE/path and no other option", CliException.UsageExit);
        }

        using var stdout = Console.OpenStandardOutput();
        return CatFileRecords.Write(repo, ByteArguments.Current.Get(args[^1]), r.GetValue(BupmFile), stdout);
    }

    /// <summary>Prints a file of the repository view (git object ids never start with '/').</summary>
    private static int CatPath(ParseResult r, Repository repo, string[] args)
    {
        if (args.Length == 2 || r.GetValue(TypeOnly) || r.GetValue(Pretty))
        {
            throw new CliException("a TYPE, -t and -p work on object ids; with a /BRANCH/SAVE/path use no option, -s or -e", CliException.UsageExit);
        }

        // The argument's own bytes (bup's argv_bytes): a name need not be UTF-8.
        var raw = ByteArguments.Current.Get(args[^1]);
        var path = NameText.Display(raw);
        CatFileRecords.RequireBranchAndRevision(raw, path);
        using var fs = new RepoFileSystem(repo);
        if (r.GetValue(Exists))
        {
            return Resolves(fs, raw, path) ? 0 : 1;
        }

        var node = CatFileRecords.Resolve(fs, raw, path);
        if (node.Kind != NodeKind.File)
        {
            throw new CliException($"'{path}' is not a plain file", CliException.UsageExit);
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

    private static bool Resolves(RepoFileSystem fs, byte[] raw, string path)
    {
        try
        {
            CatFileRecords.Resolve(fs, raw, path);
            return true;
        }
        catch (CliException)
        {
            return false;
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
