using System.Text;

namespace BupStore.Repository;

/// <summary>
/// A bup repository: a bare git repository whose objects live in packs (docs/formats/objects.md, "The repository"). Opening
/// one checks that it is one; reading needs no lock; writers go through <see cref="CreateWriter"/>
/// and <see cref="Refs"/>.
/// </summary>
/// <remarks>Thread-safe for reading.</remarks>
public sealed class Repository : IDisposable
{
    private const long DefaultMaxPackSize = 1_000_000_000;

    private Repository(string gitDir)
    {
        GitDir = gitDir;
        ObjectsDir = Path.Combine(gitDir, "objects");
        Config = GitConfig.Load(Path.Combine(gitDir, "config"));
        Objects = new ObjectStore(ObjectsDir);
        Refs = new RefStore(gitDir, Config.GetBool("core.logAllRefUpdates", false));
    }

    /// <summary>The git directory (the repository path, or its .git subfolder).</summary>
    public string GitDir { get; }

    /// <summary>objects/.</summary>
    public string ObjectsDir { get; }

    /// <summary>objects/pack/.</summary>
    public string PackDir => Objects.PackDir;

    /// <summary>The repository's git config.</summary>
    public GitConfig Config { get; }

    /// <summary>Object reading.</summary>
    public ObjectStore Objects { get; }

    /// <summary>Branches and tags.</summary>
    public RefStore Refs { get; }

    /// <summary>The repository path bup would use: -d, else $BUP_DIR, else ~/.bup.</summary>
    public static string ResolvePath(string? option)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return Path.GetFullPath(option);
        }

        var env = Environment.GetEnvironmentVariable("BUP_DIR");
        return Path.GetFullPath(!string.IsNullOrEmpty(env) ? env : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".bup"));
    }

    /// <summary>Opens an existing repository; a clear error when the path is not one.</summary>
    public static Repository Open(string path)
    {
        var gitDir = Directory.Exists(Path.Combine(path, ".git")) ? Path.Combine(path, ".git") : path;
        if (!Directory.Exists(path))
        {
            throw new RepositoryException($"repository {path} does not exist (create it with 'bupfs init')");
        }

        if (!Directory.Exists(Path.Combine(gitDir, "objects", "pack")))
        {
            throw new RepositoryException($"{path} is not a bup repository (no objects/pack; create one with 'bupfs init')");
        }

        return new Repository(gitDir);
    }

    /// <summary>Creates a repository laid out as 'bup init' does (git --bare init plus bup's config).</summary>
    public static Repository Init(string path)
    {
        var objects = Path.Combine(path, "objects");
        if (Directory.Exists(Path.Combine(objects, "pack")) && File.Exists(Path.Combine(path, "HEAD")))
        {
            return new Repository(path);
        }

        foreach (var dir in new[] { "objects/pack", "objects/info", "refs/heads", "refs/tags", "info", "hooks", "branches" })
        {
            Directory.CreateDirectory(Path.Combine(path, dir));
        }

        WriteIfMissing(Path.Combine(path, "HEAD"), "ref: refs/heads/master\n");
        WriteIfMissing(Path.Combine(path, "description"), "Unnamed repository; edit this file 'description' to name the repository.\n");
        WriteIfMissing(Path.Combine(path, "info", "exclude"), "# git ls-files --others --exclude-from=.git/info/exclude\n");
        WriteIfMissing(
            Path.Combine(path, "config"),
            "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n\tlogAllRefUpdates = true\n[pack]\n\tindexVersion = 2\n");
        Durable.SyncDirectory(path);
        return new Repository(path);
    }

    private static void WriteIfMissing(string path, string content)
    {
        if (!File.Exists(path))
        {
            Durable.WriteAllBytes(path, Encoding.UTF8.GetBytes(content));
        }
    }

    /// <summary>A writer for new objects; the caller must <see cref="ObjectWriter.Close"/> it before updating refs.</summary>
    public ObjectWriter CreateWriter(WriterOptions? options = null) =>
        new(Objects, ObjectsDir, options ?? new WriterOptions(), Config.GetInt64("pack.packSizeLimit") ?? DefaultMaxPackSize);

    /// <inheritdoc/>
    public void Dispose() => Objects.Dispose();
}
