using BupStore.Hashsplit;

namespace BupFs.Repo;

/// <summary>An open file of the repository view: a chunk reader over the shared cache.</summary>
/// <remarks>
/// Thread-safe: concurrent reads at different offsets are allowed, and are how a sequential read
/// uses every core. The kernel's own read-ahead sends the next requests (1 MiB each as root) while
/// the reader consumes the current one, the host serves them on several threads, and each inflates
/// the chunks it covers straight into its reply. A read-ahead of our own that inflated into the
/// cache measured slower (docs/DESIGN.md, "Sequential reads").
/// </remarks>
internal sealed class RepoFileHandle : IFileHandle
{
    private readonly ChunkedFileReader _reader;

    public RepoFileHandle(ulong node, ChunkedFileReader reader)
    {
        Node = node;
        _reader = reader;
    }

    /// <inheritdoc/>
    public ulong Node { get; }

    /// <inheritdoc/>
    public bool Immutable => true;

    /// <summary>The content length (from the chunk tree, not the metadata record).</summary>
    public long Length => _reader.Length;

    /// <summary>Reads at <paramref name="offset"/>; short only at end of file.</summary>
    public int Read(Span<byte> buffer, long offset)
    {
        if (offset < 0)
        {
            throw new FsException(FsError.InvalidArgument, $"negative read offset {offset}");
        }

        return _reader.Read(offset, buffer);
    }
}
