using System.Security.Cryptography;
using System.Text;
using Compat.Tests.Backup;

namespace Compat.Tests.Support;

/// <summary>
/// A repository for the fsck tests: made by real bup (or bupfs) save of a small tree, then damaged
/// on purpose with git plumbing. Runs bupfs fsck and git fsck keeping their exit status, and
/// snapshots every file of the repository so a test can show fsck changed none.
/// </summary>
internal sealed class FsckRepo : IDisposable
{
    /// <summary>The save time of every save here: 2023-11-14 22:13:20 UTC.</summary>
    public const string SaveDate = "1700000000";

    /// <summary>bup's name of a save made at <see cref="SaveDate"/> (TZ=UTC).</summary>
    public const string SaveName = "2023-11-14-221320";

    public FsckRepo()
    {
        Tool = new BupfsTool();
        Source = Path.Combine(Tool.Root, "src");
    }

    public BupfsTool Tool { get; }

    public string Repo => Tool.Repo;

    public string Source { get; }

    public string PackDir => Path.Combine(Repo, "objects", "pack");

    /// <summary>A few files, one large enough to be a chunk tree, one symlink, in two folders.</summary>
    public void MakeSource()
    {
        Directory.CreateDirectory(Path.Combine(Source, "dir", "sub"));
        File.WriteAllBytes(Path.Combine(Source, "big.bin"), MixedData.Create(600_000, 3));
        File.WriteAllText(Path.Combine(Source, "dir", "a.txt"), "hello\n");
        File.WriteAllText(Path.Combine(Source, "dir", "sub", "b.txt"), "world\n");
        File.CreateSymbolicLink(Path.Combine(Source, "dir", "link"), "a.txt");
    }

    /// <summary>bup init, index and save -n main --strip of the source (made if absent).</summary>
    public void BupSave(string branch = "main")
    {
        if (!Directory.Exists(Source))
        {
            MakeSource();
        }

        if (!Directory.Exists(Repo))
        {
            Tool.Bup("init");
        }

        Tool.Bup("index", Source);
        Tool.Bup("save", "-q", "-n", branch, "-d", SaveDate, "--strip", Source);
    }

    /// <summary>bupfs init, index and save -n main --strip of the source.</summary>
    public void BupfsSave()
    {
        MakeSource();
        Tool.Bupfs("init");
        Tool.Bupfs("index", Source);
        Tool.Bupfs("save", "-q", "-n", "main", "-d", SaveDate, "--strip", Source);
    }

    /// <summary>bupfs fsck -q: exit status and the problem lines.</summary>
    public (int Exit, string[] Lines) Fsck()
    {
        var (exit, _, stderr) = RestoreCli.Bupfs(Repo, "fsck", "-q");
        return (exit, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>git fsck --strict --full: exit status and output.</summary>
    public (int Exit, string Output) GitFsck()
    {
        var (exit, stdout, stderr) = RestoreCli.Sh(Repo, "git --git-dir=\"$BUP_DIR\" fsck --strict --full 2>&1");
        return (exit, Encoding.UTF8.GetString(stdout) + stderr);
    }

    /// <summary>Every file under the repository with a hash of its content.</summary>
    public SortedDictionary<string, string> Snapshot()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Repo, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) != "bupfs-quarantine")
            {
                result[Path.GetRelativePath(Repo, file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
            }
        }

        return result;
    }

    public string Git(params string[] args) => Tool.Git(args).Trim();

    /// <summary>Writes an object as given (git hash-object --literally), loose; returns its id.</summary>
    public string WriteObject(string type, byte[] body)
    {
        var file = Tool.Write($"obj-{Guid.NewGuid():N}", body);
        return Git("hash-object", "--literally", "-w", "-t", type, file);
    }

    /// <summary>A tree body from (mode, name, hex id) entries, in the order given.</summary>
    public static byte[] TreeBody(params (string Mode, string Name, string Id)[] entries)
    {
        using var body = new MemoryStream();
        foreach (var (mode, name, id) in entries)
        {
            body.Write(Encoding.UTF8.GetBytes($"{mode} {name}\0"));
            body.Write(Convert.FromHexString(id));
        }

        return body.ToArray();
    }

    /// <summary>A well-formed commit of <paramref name="tree"/> at <see cref="SaveDate"/> on branch <paramref name="branch"/>.</summary>
    public string CommitOnBranch(string branch, string tree, string? author = null)
    {
        author ??= $"A U Thor <a@example.com> {SaveDate} +0000";
        var body = Encoding.UTF8.GetBytes($"tree {tree}\nauthor {author}\ncommitter A U Thor <a@example.com> {SaveDate} +0000\n\nfsck test\n");
        var commit = WriteObject("commit", body);
        Git("update-ref", "refs/heads/" + branch, commit);
        return commit;
    }

    public void Dispose() => Tool.Dispose();
}
