using BupFs.Caching;
using BupStore.Hashsplit;

namespace BupFs.Repo;

/// <summary>An open file of the repository view: a chunk reader over the shared cache plus read-ahead.</summary>
/// <remarks>Thread-safe: concurrent reads at different offsets are allowed.</remarks>
internal sealed class RepoFileHandle : IFileHandle
{
    private readonly ChunkedFileReader _reader;
    private readonly ReadAhead? _readAhead;

    public RepoFileHandle(ulong node, ChunkedFileReader reader, ReadAhead? readAhead)
    {
        Node = node;
        _reader = reader;
        _readAhead = readAhead;
    }

    /// <inheritdoc/>
    public ulong Node { get; }

    /// <inheritdoc/>
    public bool Immutable => true;

    /// <summary>The content length (from the chunk tree, not the metadata record).</summary>
    public long Length => _reader.Length;

    /// <summary>The read-ahead state (tests).</summary>
    internal ReadAhead? ReadAhead => _readAhead;

    /// <summary>Reads at <paramref name="offset"/>; short only at end of file.</summary>
    public int Read(Span<byte> buffer, long offset)
    {
        if (offset < 0)
        {
            throw new FsException(FsError.InvalidArgument, $"negative read offset {offset}");
        }

        var count = _reader.Read(offset, buffer);
        _readAhead?.Observe(offset, count);
        return count;
    }

    /// <summary>Stops background work for this handle.</summary>
    public void Close() => _readAhead?.Stop();
}
