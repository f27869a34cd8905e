using System.Diagnostics;

namespace TestSupport;

/// <summary>
/// A per-test temporary folder that is removed on dispose with `rm -rf`: .NET's recursive delete cannot remove
/// entries whose names are not UTF-8, which every sample tree has.
/// </summary>
public sealed class ScratchFolder : IDisposable
{
    /// <summary>Creates a new folder under the system temp folder.</summary>
    public ScratchFolder(string prefix = "bupfs-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Removes a tree that may hold non-UTF-8 names, read-only folders and special files.</summary>
    public static void Remove(string path)
    {
        using var rm = Process.Start("rm", ["-rf", "--one-file-system", path]);
        rm.WaitForExit();
    }

    /// <inheritdoc/>
    public void Dispose() => Remove(Path);
}
