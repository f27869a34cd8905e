namespace BupFs;

/// <summary>
/// Per-open state returned by <see cref="IFileSystem.Open"/>. Hosts keep it (FUSE: in a handle
/// table keyed by the fh number; WinFsp: in the file context) and pass it back on every read and
/// on release. Implementations must allow concurrent reads at different offsets.
/// </summary>
public interface IFileHandle
{
    /// <summary>The node this handle was opened on.</summary>
    ulong Node { get; }

    /// <summary>
    /// True when the content behind this handle never changes, so hosts may keep the kernel's
    /// page cache across opens (FUSE keep_cache).
    /// </summary>
    bool Immutable { get; }
}
