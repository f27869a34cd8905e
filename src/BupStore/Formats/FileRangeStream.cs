using Microsoft.Win32.SafeHandles;

namespace BupStore.Formats;

/// <summary>
/// A forward-only read stream over a file handle from a start offset, using positional reads, so
/// that many threads can inflate objects from one pack file at once without sharing a position.
/// </summary>
internal sealed class FileRangeStream : Stream
{
    private readonly SafeFileHandle _handle;
    private readonly long _end;
    private long _position;

    public FileRangeStream(SafeFileHandle handle, long start, long end)
    {
        _handle = handle;
        _position = start;
        _end = end;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _end - _position);
        if (n <= 0)
        {
            return 0;
        }

        var read = RandomAccess.Read(_handle, buffer[..n], _position);
        _position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
