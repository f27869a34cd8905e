namespace Compat.Tests.Support;

/// <summary>Runs the built bupfs command (TestSupport.BupfsProgram) and the real bup and git against one repository.</summary>
internal sealed class BupfsTool : IDisposable
{
    public BupfsTool()
    {
        LookupTools.RequireTool("bup");
        LookupTools.RequireTool("git");
        Root = Directory.CreateTempSubdirectory("bupfs-compat-").FullName;
        Repo = Path.Combine(Root, "repo");
    }

    public string Root { get; }

    public string Repo { get; }

    public Dictionary<string, string> Env => new() { ["BUP_DIR"] = Repo, ["TZ"] = "UTC" };

    public string Bupfs(params string[] args) => LookupTools.Run(TestSupport.BupfsProgram.FileName, TestSupport.BupfsProgram.Arguments(args), Root, Env);

    public string Bup(params string[] args) => LookupTools.Run("bup", args, Root, Env);

    public string Git(params string[] args) => LookupTools.Run("git", ["--git-dir", Repo, .. args], Root, Env);

    /// <summary>Runs a shell pipeline in the work folder with BUP_DIR set.</summary>
    public string Sh(string script) => LookupTools.Run("sh", ["-c", script], Root, Env);

    public string Write(string name, byte[] data)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    public string BupfsCommand => TestSupport.BupfsProgram.ShellCommand;

    // rm -rf: Directory.Delete cannot remove the sample tree's non-UTF-8 names.
    public void Dispose() => TestSupport.ScratchFolder.Remove(Root);
}
