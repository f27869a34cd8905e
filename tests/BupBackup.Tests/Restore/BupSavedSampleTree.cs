using System.Text;
using TestSupport;

namespace BupBackup.Tests.Restore;

/// <summary>
/// The shared rich sample tree (every entry kind, devices and a socket when root) saved once by the
/// real <c>bup index</c> + <c>bup save -n s</c>: the input of the restore round trips.
/// </summary>
public sealed class BupSavedSampleTree : IDisposable
{
    private readonly TempDirectory _scratch = new("restore-bup");

    public BupSavedSampleTree()
    {
        Skip = ProcessRunner.Exists("bup") ? null : "bup is not installed";
        if (Skip is not null)
        {
            return;
        }

        Source = Path.Combine(_scratch.Path, "src");
        Info = SampleTree.Create(Source, SampleTreeOptions.Small with { Devices = true });

        // A bound socket file (.NET removes the file of a socket it closes, so python makes it).
        ProcessRunner.Run("python3", ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", Path.Combine(Source, "socket")]);
        Bup("init");
        Bup("index", Source);
        Bup("save", "-n", "s", Source);
    }

    /// <summary>Why the tests cannot run here, or null.</summary>
    public string? Skip { get; }

    /// <summary>The saved source tree.</summary>
    public string Source { get; } = "";

    /// <summary>What the sample tree holds.</summary>
    public SampleTreeInfo? Info { get; }

    /// <summary>The repository (BUP_DIR).</summary>
    public string Repository => Path.Combine(_scratch.Path, "repo");

    /// <summary>The view path of the saved source in the latest save.</summary>
    public string SavedSource => "/s/latest" + Source;

    /// <summary>A new, not yet existing folder in the scratch area.</summary>
    public string NewFolder(string prefix) => Path.Combine(_scratch.Path, $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>Runs bup on the repository; stdout bytes.</summary>
    public byte[] Bup(params string[] arguments) =>
        ProcessRunner.Run("bup", arguments, new Dictionary<string, string> { ["BUP_DIR"] = Repository });

    /// <summary><paramref name="path"/> as bytes.</summary>
    public static byte[] Bytes(string path) => Encoding.UTF8.GetBytes(path);

    public void Dispose() => _scratch.Dispose();
}
