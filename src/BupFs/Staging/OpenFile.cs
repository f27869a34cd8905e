using Microsoft.Win32.SafeHandles;

namespace BupFs.Staging;

/// <summary>
/// The spool file of a staged regular file while at least one handle has it open: one OS handle
/// shared by every open of the node, and the live size, which stat shows while writes go on.
/// </summary>
/// <remarks>Size changes under <see cref="SizeGate"/>; reads and writes at offsets need no lock (pread/pwrite).</remarks>
internal sealed class OpenFile
{
    public OpenFile(ulong inode, SafeFileHandle spool, long size)
    {
        Inode = inode;
        Spool = spool;
        Size = size;
    }

    /// <summary>The node.</summary>
    public ulong Inode { get; }

    /// <summary>The spool file, opened read-write.</summary>
    public SafeFileHandle Spool { get; }

    /// <summary>Serialises size changes (appends, truncates) against each other.</summary>
    public Lock SizeGate { get; } = new();

    /// <summary>The content length.</summary>
    public long Size { get; set; }

    /// <summary>Handles open on it (changed under the file system's namespace lock).</summary>
    public int Opens { get; set; }

    /// <summary>Handles open for writing (a commit leaves such a file's unclosed content out).</summary>
    public int Writers { get; set; }

    /// <summary>True when content changed since size and times were last stored.</summary>
    public bool Modified { get; set; }
}
