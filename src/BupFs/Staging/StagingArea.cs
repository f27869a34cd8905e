// The staging area of one branch on disk (docs/formats/staging.md): REPO/bupfs-staging/NAME/
// holding `lock` (held open with an exclusive flock by the owning process), `staging.db` and
// `data/` (one spool file per file whose content was written). git and bup ignore the folder.
using System.Text;

namespace BupFs.Staging;

/// <summary>An opened, locked staging area. Only one process owns an area at a time.</summary>
public sealed class StagingArea : IDisposable
{
    /// <summary>The folder under the repository that holds every staging area.</summary>
    public const string FolderName = "bupfs-staging";

    private const string ReserveName = "reserve";
    private const int ReserveBytes = 4 << 20;

    private readonly FileStream _lock;

    private StagingArea(string directory, string branch, FileStream lockFile, StagingDatabase database)
    {
        Directory = directory;
        Branch = branch;
        _lock = lockFile;
        Database = database;
    }

    /// <summary>The area's folder.</summary>
    public string Directory { get; }

    /// <summary>The branch staged.</summary>
    public string Branch { get; }

    /// <summary>The folder of spool files.</summary>
    public string DataDirectory => Path.Combine(Directory, "data");

    internal StagingDatabase Database { get; }

    /// <summary>The folder of the area for <paramref name="branch"/> in repository <paramref name="gitDir"/>.</summary>
    public static string PathFor(string gitDir, string branch) => Path.Combine(gitDir, FolderName, Escape(branch));

    /// <summary>True when an area exists for <paramref name="branch"/>.</summary>
    public static bool Exists(string gitDir, string branch) => File.Exists(Path.Combine(PathFor(gitDir, branch), "staging.db"));

    /// <summary>The branches that have staging areas.</summary>
    public static IReadOnlyList<string> List(string gitDir)
    {
        var root = Path.Combine(gitDir, FolderName);
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "staging.db")))
            .Select(d => Unescape(Path.GetFileName(d)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Opens (creating when absent) and locks the area of <paramref name="branch"/>.</summary>
    /// <exception cref="StagingException">Another process holds the area, or it is damaged.</exception>
    public static StagingArea Open(string gitDir, string branch)
    {
        var directory = PathFor(gitDir, branch);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "data"));
        var lockFile = Lock(directory, branch);
        try
        {
            return new StagingArea(directory, branch, lockFile, StagingDatabase.Open(Path.Combine(directory, "staging.db")));
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Keeps a few MiB of the disk in a file of its own, so that when the disk fills up the
    /// database can still take the transactions that free space (unlink, truncate, reset): the
    /// first of them to hit ENOSPC drops the reserve and runs again.
    /// </summary>
    public void EnsureReserve()
    {
        var path = Path.Combine(Directory, ReserveName);
        try
        {
            if (!File.Exists(path))
            {
                using var reserve = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
                reserve.Write(new byte[ReserveBytes]); // written, not sparse: the blocks must really be taken
                reserve.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            File.Delete(path); // no room for it now; tried again after space was freed
        }
    }

    /// <summary>Drops the reserve; false when there was none to drop.</summary>
    public bool ReleaseReserve()
    {
        var path = Path.Combine(Directory, ReserveName);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>The spool file of node <paramref name="inode"/>.</summary>
    public string SpoolPath(ulong inode) => Path.Combine(DataDirectory, inode.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Deletes the area of <paramref name="branch"/> (it must not be in use).</summary>
    public static void Delete(string gitDir, string branch)
    {
        var directory = PathFor(gitDir, branch);
        if (!System.IO.Directory.Exists(directory))
        {
            return;
        }

        using (Lock(directory, branch))
        {
            foreach (var name in new[] { "staging.db", "staging.db-wal", "staging.db-shm" })
            {
                File.Delete(Path.Combine(directory, name));
            }

            if (System.IO.Directory.Exists(Path.Combine(directory, "data")))
            {
                System.IO.Directory.Delete(Path.Combine(directory, "data"), recursive: true);
            }
        }

        System.IO.Directory.Delete(directory, recursive: true);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Database.Dispose();
        _lock.Dispose();
    }

    // .NET takes an exclusive flock for FileShare.None on Unix; the kernel drops it when the process dies.
    private static FileStream Lock(string directory, string branch)
    {
        try
        {
            var stream = new FileStream(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            return stream;
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StagingException($"branch '{branch}' is being staged by another process (a staging mount?); unmount it first", e);
        }
    }

    // Branch names may hold '/', which a folder name cannot: escape it (and '%') as %XX.
    private static string Escape(string branch) => branch.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);

    private static string Unescape(string name) => name.Replace("%2F", "/", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);
}
