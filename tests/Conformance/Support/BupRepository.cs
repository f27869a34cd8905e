using System.Globalization;
using TestSupport;

namespace Conformance.Support;

/// <summary>A bup repository made by real bup (<c>bup init</c>) in its own folder under the run's folder.</summary>
internal sealed class BupRepository : IDisposable
{
    private BupRepository(string root)
    {
        Root = root;
        GitDir = System.IO.Path.Join(root, "repo");
        Bup("init");
    }

    /// <summary>The folder holding the repository and anything put beside it.</summary>
    public string Root { get; }

    /// <summary>BUP_DIR.</summary>
    public string GitDir { get; }

    private Dictionary<string, string> Environment => new() { ["BUP_DIR"] = GitDir, ["TZ"] = "UTC" };

    /// <summary>Creates an empty repository.</summary>
    public static BupRepository Create(string name) => new(MountRoot.NewDirectory("repo-" + name));

    /// <summary>A path beside the repository.</summary>
    public string Path(string relative) => System.IO.Path.Join(Root, relative);

    /// <summary><c>bup index</c> + <c>bup save --strip</c>: the save's root is the source folder's content.</summary>
    public void Save(string branch, string source, long date)
    {
        Bup("index", source);
        Bup("save", "--strip", "-n", branch, "-d", date.ToString(CultureInfo.InvariantCulture), source);
    }

    /// <summary>Runs bup on this repository; returns stdout.</summary>
    public string Bup(params string[] arguments) =>
        Processes.Execute("bup", arguments, Environment, Root, TimeSpan.FromMinutes(2)).Succeeded("bup " + string.Join(' ', arguments));

    /// <summary>Runs the bupfs under test (TestSupport.BupfsProgram) on this repository; never throws on a failed exit.</summary>
    public ProcessResult Bupfs(params string[] arguments) =>
        Processes.Execute(BupfsProgram.FileName, BupfsProgram.Arguments(arguments), Environment, Root);

    public void Dispose() => Processes.Execute("rm", ["-rf", "--one-file-system", Root]);
}
