using BupStore.Formats;

namespace BupBackup.Save;

/// <summary>A read-only pass-through that counts the bytes read and reports them as they go.</summary>
internal sealed class CountingStream(Stream inner, Action<long>? onRead) : ForwardReadStream
{
    /// <summary>Bytes read so far.</summary>
    public long BytesRead => Offset;

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Offset += n;
        if (n > 0)
        {
            onRead?.Invoke(n);
        }

        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
