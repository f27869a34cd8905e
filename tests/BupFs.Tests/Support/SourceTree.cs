namespace BupFs.Tests.Support;

/// <summary>Builds and describes source trees with the Python helpers next to the test assembly.</summary>
internal static class SourceTree
{
    public const string Python = "/usr/bin/python3";

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Support", name);

    /// <summary>Creates the full test tree (make_tree.py) at <paramref name="directory"/>, which must not exist.</summary>
    public static void MakeFull(string directory) => Tool.Run(Python, [Script("make_tree.py"), directory]);

    /// <summary>Every entry under <paramref name="directory"/> (itself first, path empty), from lstat.</summary>
    public static List<SourceEntry> Dump(string directory) =>
        Tool.Run(Python, [Script("dump_tree.py"), directory])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(SourceEntry.Parse)
            .ToList();

    /// <summary>The entry of <paramref name="path"/> alone (no walk).</summary>
    public static SourceEntry DumpOne(string path) =>
        SourceEntry.Parse(Tool.Run(Python, [Script("dump_tree.py"), path, "--self"]).Trim());

    /// <summary>Runs a Python snippet with <c>sys.argv[1:]</c> = <paramref name="arguments"/>.</summary>
    public static string RunPython(string code, params string[] arguments) => Tool.Run(Python, ["-c", code, .. arguments]);
}
