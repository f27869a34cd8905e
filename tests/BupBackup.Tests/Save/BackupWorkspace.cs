using System.Text;
using BupBackup.Index;
using BupBackup.Save;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;
using TestSupport;

namespace BupBackup.Tests.Save;

/// <summary>
/// A scratch folder with a source tree (src/) and a fresh repository (repo/), driving the index and
/// save engines the way the CLI does, and reading results back with git (independent of our readers).
/// </summary>
internal sealed class BackupWorkspace : IDisposable
{
    private readonly ScratchFolder _folder = new("bupfs-save-");

    public BackupWorkspace()
    {
        Repo = _folder["repo"];
        Source = _folder["src"];
        Directory.CreateDirectory(Source);
        Repository.Init(Repo).Dispose();
    }

    public string Root => _folder.Path;

    public string Repo { get; }

    public string Source { get; }

    public string IndexPath => IndexFile.PathIn(Repo);

    /// <summary>Warnings from the last index or save.</summary>
    public List<string> Warnings { get; } = [];

    public static byte[] B(string path) => Encoding.UTF8.GetBytes(path);

    public string this[string relative] => _folder[relative];

    /// <summary>Writes a file under src/ (folders created), returns its full path.</summary>
    public string Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));

    public string Write(string relative, byte[] content)
    {
        var path = Path.Combine(Source, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>
    /// Sets the times of everything under src/ in the past and waits until their ctimes are over a
    /// second old, so that the index does not treat them as racy (changed within its timestamp window).
    /// </summary>
    public void AgeAll()
    {
        ProcessRunner.Run("find", [Source, "-exec", "touch", "-h", "-d", "2020-01-02 03:04:05.123456789", "{}", "+"]);
        Thread.Sleep(1100);
    }

    public IndexStatistics Index(IndexOptions? options = null, params string[] paths)
    {
        Warnings.Clear();
        var o = (options ?? new IndexOptions()) with { OnWarning = Warnings.Add, RepositoryDirectory = B(Repo) };
        return new IndexUpdater(IndexPath, o).Update(paths.Length == 0 ? [B(Source)] : paths.Select(B));
    }

    /// <summary>Saves like the CLI: tree, commit on <paramref name="branch"/>, close packs, commit index, ref.</summary>
    public SaveResult Save(string branch, SaveOptions? options = null, params string[] sources)
    {
        Warnings.Clear();
        var o = (options ?? new SaveOptions { Sources = [] }) with
        {
            Sources = sources.Length == 0 ? [B(Source)] : [.. sources.Select(B)],
            OnWarning = Warnings.Add,
            IndexOptions = new IndexOptions { RepositoryDirectory = B(Repo) },
        };
        using var repo = Repository.Open(Repo);
        var refName = "refs/heads/" + branch;
        var parent = repo.Refs.TryRead(refName, out var old) ? old : ObjectId.Zero;
        using var writer = repo.CreateWriter();
        using var engine = new SaveEngine(writer, IndexPath, o);
        var result = engine.Run();
        var commit = BupCommit.Write(writer, result.Tree, parent, null, "bup save\n\ntest\n"u8.ToArray());
        writer.Close();
        engine.CommitIndex();
        repo.Refs.Update(refName, commit, parent);
        return result;
    }

    public List<IndexRecord> Records() => [.. IndexFile.Records(IndexPath)];

    public IndexRecord Record(string path) => Records().Single(r => r.Path.AsSpan().SequenceEqual(B(path)));

    public string Git(params string[] args) => Encoding.UTF8.GetString(ProcessRunner.Run("git", ["--git-dir", Repo, .. args]));

    public string Bup(params string[] args) =>
        Encoding.UTF8.GetString(ProcessRunner.Run("bup", args, new Dictionary<string, string> { ["BUP_DIR"] = Repo }, Root));

    /// <summary>"mode type id\tpath" lines of the whole saved tree at <paramref name="treeish"/>.</summary>
    public string[] LsTree(string treeish) => Git("ls-tree", "-r", treeish).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The saved path prefix of src/ (bup stores the absolute path without the leading '/').</summary>
    public string SavedSource => Source.TrimStart('/');

    public void Dispose() => _folder.Dispose();
}
