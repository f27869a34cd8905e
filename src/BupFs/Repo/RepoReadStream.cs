namespace BupFs.Repo;

/// <summary>A read-only, seekable stream over an open file of a <see cref="RepoFileSystem"/>.</summary>
/// <remarks>Not thread-safe (a stream has one position); the file system under it is.</remarks>
internal sealed class RepoReadStream : Stream
{
    private readonly RepoFileSystem _fs;
    private readonly RepoFileHandle _handle;
    private long _position;
    private bool _disposed;

    public RepoReadStream(RepoFileSystem fs, RepoFileHandle handle)
    {
        _fs = fs;
        _handle = handle;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length => _handle.Length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var n = _fs.Read(_handle, buffer, _position);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            _fs.Release(_handle);
        }

        base.Dispose(disposing);
    }
}
