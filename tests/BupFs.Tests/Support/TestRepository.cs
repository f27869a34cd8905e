using System.Text;
using BupFs.Repo;
using BupStore.Repository;

namespace BupFs.Tests.Support;

/// <summary>
/// A scratch directory with a bup repository made by real bup (<c>bup init</c>, <c>index</c>,
/// <c>save</c>, <c>tag</c>) and helpers to open it through <see cref="RepoFileSystem"/>.
/// </summary>
internal sealed class TestRepository : IDisposable
{
    private TestRepository(string root)
    {
        Root = root;
        RepoPath = System.IO.Path.Combine(root, "repo");
        Tool.Run("bup", ["init"], Environment);
    }

    /// <summary>The scratch directory (holds repo/ and any source trees).</summary>
    public string Root { get; }

    /// <summary>BUP_DIR.</summary>
    public string RepoPath { get; }

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["BUP_DIR"] = RepoPath, ["TZ"] = "UTC" };

    /// <summary>Creates a repository in a fresh scratch directory.</summary>
    public static TestRepository Create()
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bupfs-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        return new TestRepository(root);
    }

    /// <summary>A path inside the scratch directory.</summary>
    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>bup index + bup save -n <paramref name="branch"/> -d <paramref name="date"/> of <paramref name="source"/>.</summary>
    public void Save(string branch, long date, string source)
    {
        Tool.Run("bup", ["index", source], Environment);
        Tool.Run("bup", ["save", "-n", branch, "-d", date.ToString(System.Globalization.CultureInfo.InvariantCulture), source], Environment);
    }

    /// <summary>Runs bup with the repository's environment and an optional TZ.</summary>
    public string Bup(string timeZone, params string[] arguments) =>
        Tool.Run("bup", arguments, new Dictionary<string, string> { ["BUP_DIR"] = RepoPath, ["TZ"] = timeZone });

    /// <summary>Runs git on the repository.</summary>
    public string Git(params string[] arguments) => Tool.Run("git", ["--git-dir", RepoPath, .. arguments], Environment).Trim();

    /// <summary>Opens the repository and a view of it (dispose the view, then the repository).</summary>
    public (Repository Repository, RepoFileSystem Fs) Open(RepoFileSystemOptions? options = null)
    {
        var repository = Repository.Open(RepoPath);
        return (repository, new RepoFileSystem(repository, options ?? new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc }));
    }

    /// <summary>The view path of <paramref name="sourcePath"/> (absolute) inside save <paramref name="save"/>.</summary>
    public static byte[] InSave(string save, string sourcePath) => Encoding.UTF8.GetBytes(save + sourcePath);

    public void Dispose()
    {
        try
        {
            // rm copes with names .NET cannot represent (non-UTF-8) and with fifos and sockets.
            Tool.Run("rm", ["-rf", Root]);
        }
        catch (InvalidOperationException)
        {
            // A leftover scratch directory in /tmp is harmless.
        }
    }
}
