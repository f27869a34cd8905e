using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace BupFs.Cli;

/// <summary>Range checks on numeric options, reported as plain parse errors (one line, exit 2).</summary>
public static class OptionChecks
{
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
            return message;
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
}
