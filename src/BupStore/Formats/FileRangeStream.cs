using Microsoft.Win32.SafeHandles;

namespace BupStore.Formats;

/// <summary>
/// A forward-only read stream over a file handle from a start offset to an end offset, using
/// positional reads: many threads can inflate objects from one pack file at once without sharing a
/// position, and a save can read thousands of small files without the lseek and fstat that
/// FileStream does on open.
/// </summary>
public sealed class FileRangeStream : ForwardReadStream
{
    private readonly SafeFileHandle _handle;
    private readonly long _end;
    private readonly bool _ownsHandle;

    /// <summary>Reads <paramref name="handle"/> from <paramref name="start"/> up to <paramref name="end"/>.</summary>
    /// <param name="handle">An open file.</param>
    /// <param name="start">First byte to read.</param>
    /// <param name="end">Offset to stop at (long.MaxValue: end of file).</param>
    /// <param name="ownsHandle">Dispose the handle with the stream.</param>
    public FileRangeStream(SafeFileHandle handle, long start, long end, bool ownsHandle = false)
    {
        _handle = handle;
        Offset = start;
        _end = end;
        _ownsHandle = ownsHandle;
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _end - Offset);
        if (n <= 0)
        {
            return 0;
        }

        var read = RandomAccess.Read(_handle, buffer[..n], Offset);
        Offset += read;
        return read;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsHandle)
        {
            _handle.Dispose();
        }

        base.Dispose(disposing);
    }
}
