using System.CommandLine;
using System.Text;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs cat-file: print an object. With -t/-s/-p or a type it works like git cat-file on ids,
/// refs and REF:path; without them it prints the raw content of a blob or commit and a readable
/// listing of a tree.
/// </summary>
public static class CatFileCommand
{
    private static readonly Option<bool> TypeOnly = new("-t") { Description = "print the object's type" };
    private static readonly Option<bool> SizeOnly = new("-s") { Description = "print the object's size" };
    private static readonly Option<bool> Pretty = new("-p") { Description = "pretty-print the object (trees as listings)" };
    private static readonly Option<bool> Exists = new("-e") { Description = "exit 0 if the object exists, 1 if not, printing nothing" };
    private static readonly Argument<string[]> Args = new("object") { Description = "[TYPE] ID|REF|REF:path", Arity = new ArgumentArity(1, 2) };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("cat-file", "print an object of the repository") { TypeOnly, SizeOnly, Pretty, Exists, Args };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        using var repo = GlobalOptions.OpenRepo(r);
        var args = r.GetValue(Args)!;
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
