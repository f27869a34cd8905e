// What `mount --staging`, `commit` and `status` share: opening a branch's staging area (and its
// tree) in this process, and answering commit/status requests, which arrive either from this
// process's own command or through the control socket of a staging mount.
using System.Globalization;
using System.Text;
using BupBackup.Posix;
using BupFs.Staging;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupFs.Cli.Commands;

/// <summary>An opened staging tree of one branch, owned by this process.</summary>
public sealed class StagingSession : IDisposable
{
    private const string MountPointFile = "mountpoint";

    private StagingSession(Repository repository, StagingArea area, StagingFileSystem fs)
    {
        Repository = repository;
        Area = area;
        FileSystem = fs;
    }

    /// <summary>The repository.</summary>
    public Repository Repository { get; }

    /// <summary>The locked area.</summary>
    public StagingArea Area { get; }

    /// <summary>The staging tree.</summary>
    public StagingFileSystem FileSystem { get; }

    /// <summary>
    /// Opens the staging tree of <paramref name="branch"/>. A new one starts at <paramref name="from"/>
    /// (a save or commit; default: the branch's head); an existing one keeps its base, and a
    /// different <paramref name="from"/> is refused.
    /// </summary>
    public static StagingSession Open(Repository repository, string branch, string? from, long cacheBytes)
    {
        RefStore.CheckName("refs/heads/" + branch);
        var existed = StagingArea.Exists(repository.GitDir, branch);
        var area = StagingArea.Open(repository.GitDir, branch);
        try
        {
            ObjectId? start = from is not null ? RevParse.Resolve(repository, from) : Head(repository, branch);
            var fs = StagingFileSystem.Open(repository, area, start, new StagingOptions
            {
                CacheSizeLimit = cacheBytes,
                Warning = message => Console.Error.WriteLine($"bupfs: warning: {message}"),
                UserNames = SystemUserNames.Instance,
            });
            if (existed && from is not null && fs.BaseCommit != start)
            {
                fs.Dispose();
                throw new CliException($"branch '{branch}' already has staged changes on another save; commit them or run 'bupfs reset {branch}' first");
            }

            return new StagingSession(repository, area, fs);
        }
        catch
        {
            area.Dispose();
            throw;
        }
    }

    /// <summary>The branch's head, or null for a branch without saves.</summary>
    public static ObjectId? Head(Repository repository, string branch) =>
        repository.Refs.TryRead("refs/heads/" + branch, out var id) ? id : null;

    /// <summary>Records where the tree is mounted, so `bupfs commit MOUNTPOINT` finds the branch.</summary>
    public void RecordMountPoint(string mountPoint) =>
        File.WriteAllText(Path.Combine(Area.Directory, MountPointFile), mountPoint + "\n");

    /// <summary>Where the staging tree of <paramref name="branch"/> is mounted, or null.</summary>
    public static string? MountPointOf(string gitDir, string branch)
    {
        var file = Path.Combine(StagingArea.PathFor(gitDir, branch), MountPointFile);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    /// <summary>The branch staged at <paramref name="mountPoint"/>, or null.</summary>
    public static string? BranchMountedAt(string gitDir, string mountPoint)
    {
        foreach (var branch in StagingArea.List(gitDir))
        {
            var file = Path.Combine(StagingArea.PathFor(gitDir, branch), MountPointFile);
            if (File.Exists(file) && File.ReadAllText(file).Trim() == mountPoint)
            {
                return branch;
            }
        }

        return null;
    }

    /// <summary>Answers one request: "commit ALLOW_EMPTY OURS DATE MESSAGE", "status" or "reset PATH...".</summary>
    public string Handle(string[] request, Action<string> output) => request switch
    {
        ["commit", var allowEmpty, var ours, var date, var message] =>
            Commit(allowEmpty == "1", ours == "1", date == "-" ? null : long.Parse(date, CultureInfo.InvariantCulture), message, output),
        ["status"] => Status(output),
        ["reset", .. var paths] => Reset(paths),
        _ => throw new StagingException($"unknown staging request '{request.FirstOrDefault()}'"),
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        File.Delete(Path.Combine(Area.Directory, MountPointFile));
        FileSystem.Dispose();
        Area.Dispose();
    }

    private string Commit(bool allowEmpty, bool ours, long? date, string message, Action<string> output)
    {
        var result = new StagingCommitter(FileSystem, new WriterOptions { CompressionLevel = 1 }).Commit(Encoding.UTF8.GetBytes(message), date, allowEmpty, ours);
        foreach (var path in result.LeftOut)
        {
            output($"warning: {path} is open for writing: its last committed content went in, the rest stays staged");
        }

        return result.Commit.ToString();
    }

    private string Reset(string[] paths)
    {
        foreach (var path in paths)
        {
            FileSystem.Reset(Encoding.UTF8.GetBytes(path));
        }

        return paths.Length.ToString(CultureInfo.InvariantCulture);
    }

    private string Status(Action<string> output)
    {
        var status = FileSystem.Status();
        foreach (var change in status.Changes)
        {
            output(change.ToString());
        }

        return status.PendingBytes.ToString(CultureInfo.InvariantCulture);
    }
}
