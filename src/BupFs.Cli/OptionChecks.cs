using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace BupFs.Cli;

/// <summary>
/// Range checks on numeric options, and parse errors as plain one-line messages with bup's exit
/// status: 97 for a usage error (bup/options.py), 1 for a bad number bup only notices when it
/// converts it (its parse_num or int() raising ValueError).
/// </summary>
public static class OptionChecks
{
    // Options whose unparsable or out-of-range value is exit 1 in bup, not a usage error.
    private static readonly HashSet<Option> s_badValueFails = [];

    /// <summary>Refuses values of <paramref name="option"/> outside <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static T InRange<T>(this T option, long min, long max)
        where T : Option
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (long.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && (value < min || value > max))
                {
                    result.AddError(max == long.MaxValue
                        ? $"{option.Name} must be at least {min}, not {token.Value}"
                        : $"{option.Name} must be from {min} to {max}, not {token.Value}");
                }
            }
        });
        return option;
    }

    /// <summary>Marks <paramref name="option"/> as one whose bad value bup rejects with exit 1 (a ValueError), not 97.</summary>
    public static T BadValueFails<T>(this T option)
        where T : Option
    {
        lock (s_badValueFails)
        {
            s_badValueFails.Add(option);
        }

        return option;
    }

    /// <summary>bup's exit status for <paramref name="error"/>: 1 for a value given to an option marked BadValueFails, else 97.</summary>
    public static int ExitStatus(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        lock (s_badValueFails)
        {
            // No tokens: the option's argument is missing, which getopt refuses (97).
            return option is { Tokens.Count: > 0 } && s_badValueFails.Contains(option.Option) ? 1 : CliException.UsageExit;
        }
    }

    /// <summary>
    /// System.CommandLine's message for a value of the wrong type names the .NET type
    /// ("System.Nullable`1[System.Double]"); this says which option and value instead.
    /// </summary>
    public static string Plain(ParseError error)
    {
        const string prefix = "Cannot parse argument '";
        var message = error.Message;
        if (!message.StartsWith(prefix, StringComparison.Ordinal))
        {
            return AsGetopt(message);
        }

        var valueEnd = message.IndexOf("' for ", prefix.Length, StringComparison.Ordinal);
        var what = valueEnd < 0 ? null : message[(valueEnd + 6)..];
        var typeAt = what?.IndexOf(" as expected type", StringComparison.Ordinal) ?? -1;
        return typeAt < 0 ? "invalid value" : $"invalid value '{message[prefix.Length..valueEnd]}' for {what![..typeAt]}: {Expected(message)}";
    }

    private static string Expected(string message) =>
        message.Contains("Double", StringComparison.Ordinal) ? "a number is expected"
        : message.Contains("Int", StringComparison.Ordinal) ? "a whole number is expected"
        : "not a valid value";

    // The wording of bup's getopt for the errors it shares with System.CommandLine.
    private static string AsGetopt(string message)
    {
        if (Quoted(message, "Required argument missing for option: '") is { } option)
        {
            return $"option {option} requires argument";
        }

        return Quoted(message, "Unrecognized command or argument '") is { } token
            ? token.StartsWith('-') && token.Length > 1 ? $"option {token} not recognized" : $"unexpected argument '{token}'"
            : message;
    }

    private static string? Quoted(string message, string prefix)
    {
        var end = message.LastIndexOf('\'');
        return message.StartsWith(prefix, StringComparison.Ordinal) && end >= prefix.Length ? message[prefix.Length..end] : null;
    }
}
