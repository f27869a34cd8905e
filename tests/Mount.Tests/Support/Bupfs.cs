namespace Mount.Tests.Support;

/// <summary>Runs the built bupfs command (TestSupport.BupfsProgram), as a user would.</summary>
internal static class Bupfs
{
    /// <summary>Runs <c>bupfs ARGS</c> with TZ=UTC and the given environment; never throws on a failed exit.</summary>
    public static ProcessResult Execute(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var env = new Dictionary<string, string> { ["TZ"] = "UTC" };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }

        return Processes.Execute(TestSupport.BupfsProgram.FileName, TestSupport.BupfsProgram.Arguments(arguments), env);
    }

    /// <summary>Runs <c>bupfs ARGS</c>; returns stdout, throws on failure.</summary>
    public static string Run(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Execute(environment, arguments).Succeeded("bupfs " + string.Join(' ', arguments));
}
