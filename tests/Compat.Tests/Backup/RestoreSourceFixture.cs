using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// The shared rich sample tree at its full size (thousands of small files, a 64 MB sparse file,
/// devices and a socket when root), saved once by real bup 0.33 (<c>bup index</c> + <c>bup save -n s</c>).
/// </summary>
public sealed class RestoreSourceFixture : IDisposable
{
    private readonly ScratchFolder _scratch = new("bupfs-restore-compat-");

    public RestoreSourceFixture()
    {
        Skip = RestoreCli.Exists("bup") ? null : "bup is not installed";
        if (Skip is not null)
        {
            return;
        }

        Source = _scratch["src"];
        SampleTree.Create(Source, new SampleTreeOptions { Devices = true, Socket = true });
        RestoreCli.Check(RestoreCli.Bup(Repository, "init"), "bup init");
        RestoreCli.Check(RestoreCli.Bup(Repository, "index", Source), "bup index");
        RestoreCli.Check(RestoreCli.Bup(Repository, "save", "-n", "s", Source), "bup save");
    }

    /// <summary>Why the tests cannot run, or null.</summary>
    public string? Skip { get; }

    /// <summary>The saved tree.</summary>
    public string Source { get; } = "";

    /// <summary>BUP_DIR.</summary>
    public string Repository => _scratch["repo"];

    /// <summary>The saved tree's path in the latest save.</summary>
    public string Saved => "/s/latest" + Source;

    /// <summary>A new, not yet existing folder in the scratch area.</summary>
    public string NewFolder(string prefix) => _scratch[$"{prefix}-{Guid.NewGuid():N}"];

    public void Dispose() => _scratch.Dispose();
}
