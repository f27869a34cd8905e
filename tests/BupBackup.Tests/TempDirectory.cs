using System.Text;

namespace BupBackup.Tests;

/// <summary>A scratch directory under /tmp, removed on dispose; paths are handed out as bytes.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "bupbackup")
    {
        Path = System.IO.Path.Combine("/tmp", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's absolute path.</summary>
    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> inside the directory, as bytes.</summary>
    public byte[] Bytes(string name) => Encoding.UTF8.GetBytes(System.IO.Path.Combine(Path, name));

    /// <summary>The path of a raw byte name inside the directory.</summary>
    public byte[] Bytes(byte[] name) => [.. Encoding.UTF8.GetBytes(Path + "/"), .. name];

    public void Dispose()
    {
        // chattr +i or odd permissions in a test must not leave the tree undeletable.
        ProcessRunner.TryRun("/bin/bash", ["-c", $"chattr -R -i '{Path}' 2>/dev/null; rm -rf '{Path}'"]);
    }
}
