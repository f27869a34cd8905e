using Mount.Tests.Support;

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

    /// <summary>The folder of files the staging cases change (the staging tree starts from the save, so they come from the repository).</summary>
    public const string BaseFolder = "base";

    /// <summary>The content of every file in <see cref="BaseFolder"/>.</summary>
    public const string BaseContent = "0123456789";

    /// <summary>The files in <see cref="BaseFolder"/>, one per case that changes one.</summary>
    public static readonly string[] BaseFiles = ["edit.txt", "trunc.txt", "otrunc.txt", "linked.txt", "xattr.txt", "renamed.txt"];

    /// <summary>
    /// Writes hello.txt, sub/inner.txt, link -> hello.txt and base/ (<see cref="BaseFiles"/>, dir/inner.txt,
    /// link -> edit.txt), and saves them.
    /// </summary>
    public static void Save(BupRepository repository)
    {
        string source = repository.Path("source");
        Directory.CreateDirectory(Path.Join(source, "sub"));
        File.WriteAllText(Path.Join(source, "hello.txt"), Hello);
        File.WriteAllText(Path.Join(source, "sub", "inner.txt"), "inner\n");
        File.CreateSymbolicLink(Path.Join(source, "link"), "hello.txt");
        string folder = Path.Join(source, BaseFolder);
        Directory.CreateDirectory(Path.Join(folder, "dir"));
        foreach (string name in BaseFiles)
        {
            File.WriteAllText(Path.Join(folder, name), BaseContent);
        }

        File.WriteAllText(Path.Join(folder, "dir", "inner.txt"), "inner\n");
        File.CreateSymbolicLink(Path.Join(folder, "link"), "edit.txt");
        repository.Save(Branch, source, Date);
    }
}
