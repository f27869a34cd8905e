using System.CommandLine;

namespace BupFs.Cli;

/// <summary>
/// Long options as bup's parser takes them (bup/options.py over Python's getopt.gnu_getopt, see
/// https://docs.python.org/3/library/getopt.html): a unique prefix names the option ("--hum" is
/// --human-readable), every flag has a "--no-" form that switches it off again, and a flag given a
/// value ("--quick=x") is a usage error. System.CommandLine knows none of this, so the arguments
/// after the command are rewritten into full option names before it parses them.
/// </summary>
public static class BupLongOptions
{
    /// <summary>
    /// <paramref name="args"/> with the long options after <paramref name="commandIndex"/> (up to
    /// "--") spelled out for <paramref name="command"/>; null with <paramref name="error"/> set
    /// when getopt would refuse one.
    /// </summary>
    public static string[]? Rewrite(string[] args, int commandIndex, Command command, out string? error)
    {
        error = null;
        var options = command.Options.Where(o => !o.Hidden).ToList();
        var result = new List<string>(args[..(commandIndex + 1)]);
        for (var i = commandIndex + 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                result.AddRange(args[i..]);
                break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                result.Add(arg);
                i += TakesNextArg(arg, options) && i + 1 < args.Length ? CopyNext(args, i, result) : 0;
                continue;
            }

            if (Spell(arg, options, result, out error) is { } spelled)
            {
                result.Add(spelled);
                i += TakesNextArg(spelled, options) && i + 1 < args.Length ? CopyNext(args, i, result) : 0;
            }
            else if (error is not null)
            {
                return null;
            }
        }

        return [.. result];
    }

    // "-n NAME", "--name NAME": the next argument is the option's value, whatever it looks like.
    private static bool TakesNextArg(string arg, List<Option> options) =>
        options.FirstOrDefault(o => o.Name == arg || o.Aliases.Contains(arg)) is { } option && !IsFlag(option);

    private static int CopyNext(string[] args, int i, List<string> result)
    {
        result.Add(args[i + 1]);
        return 1;
    }

    // The full spelling of one "--name[=value]" argument; null when it is a "--no-" form (applied to
    // earlier, which it removes) or refused (error set).
    private static string? Spell(string arg, List<Option> options, List<string> earlier, out string? error)
    {
        error = null;
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? arg : arg[..equals];
        var names = LongNames(options);
        var matches = names.ContainsKey(name) ? [name] : names.Keys.Where(n => n.StartsWith(name, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
        {
            error = matches.Count == 0 ? null : $"option {name} not a unique prefix";
            return matches.Count == 0 ? arg : null;
        }

        var (option, negated) = names[matches[0]];
        if (IsFlag(option) && equals >= 0)
        {
            error = $"option {matches[0]} must not have an argument";
            return null;
        }

        if (!negated)
        {
            return equals < 0 ? matches[0] : matches[0] + arg[equals..];
        }

        // --no-X: as if X had not been given before (bup resets the flag to false or 0).
        earlier.RemoveAll(a => option.Name == a || option.Aliases.Contains(a));
        return null;
    }

    // Every "--name" of the command's options, with "--no-name" for each flag.
    private static Dictionary<string, (Option Option, bool Negated)> LongNames(List<Option> options)
    {
        var names = new Dictionary<string, (Option, bool)>(StringComparer.Ordinal);
        foreach (var option in options)
        {
            foreach (var alias in option.Aliases.Append(option.Name).Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            {
                names.TryAdd(alias, (option, false));
                if (IsFlag(option))
                {
                    names.TryAdd("--no-" + alias[2..], (option, true));
                }
            }
        }

        return names;
    }

    private static bool IsFlag(Option option) => option.ValueType == typeof(bool);
}
