using System.Globalization;

namespace Mount.Tests.Support;

/// <summary>A bup repository made by real bup (<c>bup init</c>) in its own folder under the run's folder.</summary>
internal sealed class BupRepository : IDisposable
{
    private BupRepository(string root)
    {
        Root = root;
        GitDir = System.IO.Path.Join(root, "repo");
        Bup("init");
    }

    /// <summary>The folder holding the repository and anything a test puts beside it.</summary>
    public string Root { get; }

    /// <summary>BUP_DIR.</summary>
    public string GitDir { get; }

    /// <summary>The environment bup and bupfs run with.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["BUP_DIR"] = GitDir, ["TZ"] = "UTC" };

    /// <summary>Creates an empty repository.</summary>
    public static BupRepository Create([System.Runtime.CompilerServices.CallerMemberName] string name = "") =>
        new(MountRoot.NewDirectory("repo-" + name));

    /// <summary>A path beside the repository.</summary>
    public string Path(string relative) => System.IO.Path.Join(Root, relative);

    /// <summary>
    /// <c>bup index</c> + <c>bup save --strip</c> of <paramref name="source"/> on <paramref name="branch"/>,
    /// so the save's root is the source folder's content.
    /// </summary>
    public void Save(string branch, string source, long? date = null)
    {
        Bup("index", source);
        string[] when = date is { } d ? ["-d", d.ToString(CultureInfo.InvariantCulture)] : [];
        Bup(["save", "--strip", "-n", branch, .. when, source]);
    }

    /// <summary>Runs bup on this repository; returns stdout.</summary>
    public string Bup(params string[] arguments) =>
        Processes.Execute("bup", arguments, Environment, Root, TimeSpan.FromMinutes(3)).Succeeded("bup " + string.Join(' ', arguments));

    /// <summary>Runs git on this repository; returns stdout.</summary>
    public string Git(params string[] arguments) =>
        Processes.Execute("git", ["--git-dir", GitDir, .. arguments], Environment, Root).Succeeded("git " + string.Join(' ', arguments));

    /// <summary>Runs bupfs on this repository (BUP_DIR set); does not throw on failure.</summary>
    public ProcessResult Bupfs(params string[] arguments) => Support.Bupfs.Execute(Environment, arguments);

    /// <summary>Runs bupfs on this repository and keeps its standard output as bytes.</summary>
    public ProcessResult BupfsBinary(params string[] arguments) =>
        Processes.Execute(TestSupport.BupfsProgram.FileName, TestSupport.BupfsProgram.Arguments(arguments), Environment, Root, binaryOutput: true);

    /// <summary>Runs bup on this repository and keeps its standard output as bytes.</summary>
    public ProcessResult BupBinary(params string[] arguments) =>
        Processes.Execute("bup", arguments, Environment, Root, binaryOutput: true);

    public void Dispose() => Processes.Execute("rm", ["-rf", "--one-file-system", Root]);
}
