using Conformance.Support;

namespace Conformance.Targets;

/// <summary>The small tree real bup saves for the read-only cases, on branch <see cref="Branch"/>.</summary>
internal static class SavedTree
{
    /// <summary>The branch holding the one save.</summary>
    public const string Branch = "saved";

    /// <summary>The content of hello.txt.</summary>
    public const string Hello = "hello, saved world\n";

    /// <summary>The save's date (so its name is fixed: 2023-11-14-221320 in UTC).</summary>
    public const long Date = 1_700_000_000;

    /// <summary>Writes hello.txt, sub/inner.txt and link -> hello.txt, and saves them.</summary>
    public static void Save(BupRepository repository)
    {
        string source = repository.Path("source");
        Directory.CreateDirectory(Path.Join(source, "sub"));
        File.WriteAllText(Path.Join(source, "hello.txt"), Hello);
        File.WriteAllText(Path.Join(source, "sub", "inner.txt"), "inner\n");
        File.CreateSymbolicLink(Path.Join(source, "link"), "hello.txt");
        repository.Save(Branch, source, Date);
    }
}
