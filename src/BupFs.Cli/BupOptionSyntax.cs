using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace BupFs.Cli;

/// <summary>
/// The parts of bup's option syntax (Python getopt through bup's options.py) that System.CommandLine
/// does not share: the digit options of bup's "#,compress=" (save -9 is --compress 9), and an
/// unknown option being an error rather than a path.
/// </summary>
public static partial class BupOptionSyntax
{
    // Commands whose bup optspec has "#,compress=".
    private static readonly HashSet<string> s_digitCommands = ["save", "split"];

    /// <summary>Rewrites "-N" (a single digit) after save or split, before any "--", as "--compress N".</summary>
    public static string[] ExpandDigits(string[] args)
    {
        var command = Enumerable.Range(0, args.Length)
            .FirstOrDefault(i => s_digitCommands.Contains(args[i]) && (i == 0 || args[i - 1] is not ("-d" or "--bup-dir")), -1);
        if (command < 0)
        {
            return args;
        }

        var result = new List<string>(args[..(command + 1)]);
        var options = true;
        foreach (var arg in args[(command + 1)..])
        {
            options &= arg != "--";
            if (options && Digit().IsMatch(arg))
            {
                result.Add("--compress");
                result.Add(arg[1..]);
            }
            else
            {
                result.Add(arg);
            }
        }

        return [.. result];
    }

    /// <summary>Where the command <paramref name="name"/> is in <paramref name="args"/> (after the global options); -1 if absent.</summary>
    public static int CommandIndex(string[] args, string name) =>
        Enumerable.Range(0, args.Length).FirstOrDefault(i => args[i] == name && (i == 0 || args[i - 1] is not ("-d" or "--bup-dir")), -1);

    /// <summary>
    /// The first command argument that looks like an option ("-x", "--x") and came before "--":
    /// System.CommandLine takes an unknown option as an argument, bup's getopt refuses it.
    /// </summary>
    public static string? UnknownOption(ParseResult result)
    {
        var tokens = result.Tokens;
        var doubleDash = tokens.Select((t, i) => (t, i)).FirstOrDefault(p => p.t.Type == TokenType.DoubleDash, (null!, tokens.Count)).Item2;
        foreach (var argument in result.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                var position = IndexOf(tokens, token);
                if (token.Value.Length > 1 && token.Value[0] == '-' && position >= 0 && position < doubleDash)
                {
                    return token.Value;
                }
            }
        }

        return null;
    }

    private static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (ReferenceEquals(tokens[i], token))
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex("^-[0-9]$")]
    private static partial Regex Digit();
}
