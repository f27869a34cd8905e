using System.CommandLine;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>bupfs join: write the content named by refs or ids (or read from stdin) to stdout, as bup join.</summary>
public static class JoinCommand
{
    private static readonly Option<string?> Output = new("-o") { Description = "write to FILE instead of stdout", HelpName = "FILE" };
    private static readonly Argument<string[]> Refs = new("refs") { Description = "refs, ids or REF:path (default: ids from stdin)", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("join", "write the content of split objects to stdout (as bup join)") { Output, Refs };
        command.Options.Add(GlobalOptions.Remote);
        command.SetAction(r =>
        {
            using var repo = GlobalOptions.OpenRepo(r);
            var specs = r.GetValue(Refs) is { Length: > 0 } given ? given : ReadStdinIds();
            using var stdout = new BufferedStream(r.GetValue(Output) is { } file ? File.Create(file) : Console.OpenStandardOutput(), 1 << 20);
            foreach (var spec in specs)
            {
                var id = RevParse.Resolve(repo, spec);
                try
                {
                    ObjectWalker.Join(repo.Objects, id, stdout, NamesChunkedFile(spec));
                }
                catch (RepositoryException e)
                {
                    // The message names the object at fault; the spec says which argument held it.
                    throw new CliException($"{spec}: {e.Message}");
                }
            }

            return 0;
        });
        return command;
    }

    // REF:path/name.bup names a chunked file's tree (bup's name mangling), which join then checks
    // as a chunk tree even when its entries do not look like one.
    private static bool NamesChunkedFile(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        var name = System.Text.Encoding.UTF8.GetBytes(spec[(colon + 1)..].TrimEnd('/').Split('/')[^1]);
        BupStore.Hashsplit.NameMangling.Demangle(name, BupStore.Objects.GitFileMode.Tree, out var chunked);
        return chunked;
    }

    private static string[] ReadStdinIds() =>
        Console.In.ReadToEnd().Split((char[])['\n', ' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
}
