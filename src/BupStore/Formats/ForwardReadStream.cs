namespace BupStore.Formats;

/// <summary>
/// Base of the read-only, forward-only streams bupfs hands to zlib and the splitter: everything but
/// <see cref="Read(Span{byte})"/> is fixed here, so each stream states only how it reads.
/// </summary>
public abstract class ForwardReadStream : Stream
{
    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <summary>The stream's position (where the next read starts); it only moves forward.</summary>
    public override long Position
    {
        get => Offset;
        set => throw new NotSupportedException();
    }

    /// <summary>Where the next read starts; subclasses advance it as they read.</summary>
    protected long Offset { get; set; }

    /// <inheritdoc/>
    public abstract override int Read(Span<byte> buffer);

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
