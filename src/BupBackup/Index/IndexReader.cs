using System.Buffers.Binary;
using BupStore.Formats;
using Microsoft.Win32.SafeHandles;

namespace BupBackup.Index;

/// <summary>
/// Reads a bupfs-index file through a sliding window (never the whole file in memory): records at
/// any offset, their subtrees by length, and the hardlink table. Every length is checked against
/// the records region before use; damage throws <see cref="CorruptObjectException"/> naming the file.
/// </summary>
/// <remarks>Not thread-safe, except <see cref="CopyTo"/>, which uses positioned reads only.</remarks>
internal sealed class IndexReader : IDisposable
{
    private const int WindowSize = 1 << 20;
    private readonly SafeFileHandle _file;
    private byte[] _window = new byte[WindowSize];
    private long _windowStart;
    private int _windowLength;

    private IndexReader(string path, SafeFileHandle file, IndexFooter footer)
    {
        FilePath = path;
        _file = file;
        Footer = footer;
    }

    /// <summary>The file's path (used in error messages).</summary>
    public string FilePath { get; }

    /// <summary>The counts from the footer.</summary>
    public IndexFooter Footer { get; }

    /// <summary>Offset of the first record (the root directory).</summary>
    public static long RecordsStart => IndexFormat.Layout.HeaderLength;

    /// <summary>True when the file holds no record at all.</summary>
    public bool IsEmpty => Footer.RecordsEnd == RecordsStart;

    /// <summary>
    /// Opens <paramref name="path"/>; null when it does not exist. A file whose header or footer is
    /// damaged throws <see cref="CorruptObjectException"/>.
    /// </summary>
    public static IndexReader? TryOpen(string path)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        try
        {
            return new IndexReader(path, file, ReadEnds(path, file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static IndexFooter ReadEnds(string path, SafeFileHandle file)
    {
        var length = RandomAccess.GetLength(file);
        if (length < IndexFormat.Layout.HeaderLength + IndexFormat.Layout.FooterLength)
        {
            throw new CorruptObjectException(path, "file too short", 0);
        }

        Span<byte> header = stackalloc byte[IndexFormat.Layout.HeaderLength];
        Span<byte> footer = stackalloc byte[IndexFormat.Layout.FooterLength];
        var footerStart = length - IndexFormat.Layout.FooterLength;
        if (RandomAccess.Read(file, header, 0) != header.Length || !IndexFormat.IsValidHeader(header))
        {
            throw new CorruptObjectException(path, "bad header", 0);
        }

        if (RandomAccess.Read(file, footer, footerStart) != footer.Length)
        {
            throw new CorruptObjectException(path, "truncated footer", footerStart);
        }

        return IndexFormat.ReadFooter(footer, length) ?? throw new CorruptObjectException(path, "bad footer", footerStart);
    }

    /// <summary>The bytes of the record at <paramref name="offset"/> (valid until the next read).</summary>
    public ReadOnlySpan<byte> RecordBytes(long offset)
    {
        var head = Window(offset, 4);
        var length = IndexFormat.ReadLength(head, FilePath, offset);
        return Window(offset, length);
    }

    /// <summary>Decodes the record at <paramref name="offset"/> under the given parent paths.</summary>
    public (IndexRecord Record, int Depth) ReadRecord(long offset, byte[]? parentPath, byte[]? parentRealPath) =>
        IndexFormat.Decode(RecordBytes(offset), offset, FilePath, parentPath, parentRealPath);

    /// <summary>The offset just past <paramref name="r"/>'s subtree (past the record itself for a non-directory).</summary>
    public long SubtreeEnd(IndexRecord r)
    {
        var end = r.Offset + r.EncodedLength + r.SubtreeBytes;
        return end > Footer.RecordsEnd
            ? throw new CorruptObjectException(FilePath, "subtree runs past the records", r.Offset)
            : end;
    }

    private ReadOnlySpan<byte> Window(long offset, int length)
    {
        if (offset < RecordsStart || offset + length > Footer.RecordsEnd)
        {
            throw new CorruptObjectException(FilePath, "record runs past the records region", offset);
        }

        if (offset < _windowStart || offset + length > _windowStart + _windowLength)
        {
            Fill(offset, length);
        }

        return _window.AsSpan((int)(offset - _windowStart), length);
    }

    private void Fill(long offset, int length)
    {
        if (length > _window.Length)
        {
            _window = new byte[length];
        }

        var want = (int)Math.Min(_window.Length, Footer.RecordsEnd - offset);
        var got = 0;
        while (got < want)
        {
            var n = RandomAccess.Read(_file, _window.AsSpan(got, want - got), offset + got);
            if (n <= 0)
            {
                throw new CorruptObjectException(FilePath, "file shorter than its footer says", offset + got);
            }

            got += n;
        }

        _windowStart = offset;
        _windowLength = got;
    }

    /// <summary>Copies the raw bytes [<paramref name="offset"/>, +<paramref name="length"/>) to <paramref name="output"/>. Thread-safe.</summary>
    public void CopyTo(long offset, long length, Action<ReadOnlySpan<byte>> output)
    {
        var buffer = new byte[(int)Math.Min(length, WindowSize)];
        while (length > 0)
        {
            var n = RandomAccess.Read(_file, buffer.AsSpan(0, (int)Math.Min(length, buffer.Length)), offset);
            if (n <= 0)
            {
                throw new CorruptObjectException(FilePath, "file shorter than its footer says", offset);
            }

            output(buffer.AsSpan(0, n));
            offset += n;
            length -= n;
        }
    }

    /// <summary>Reads the hardlink table: (device, inode) to the path that names the group.</summary>
    public Dictionary<(ulong Device, ulong Inode), byte[]> ReadLinks()
    {
        var links = new Dictionary<(ulong, ulong), byte[]>();
        var end = RandomAccess.GetLength(_file) - IndexFormat.Layout.FooterLength;
        var offset = Footer.RecordsEnd;
        var head = new byte[4];
        for (long i = 0; i < Footer.LinkCount; i++)
        {
            var length = offset + 4 <= end && ReadAll(head, offset) ? BinaryPrimitives.ReadInt32LittleEndian(head) : -1;
            if (length <= IndexFormat.Layout.LinkFixedLength || length > 65536 || offset + length > end)
            {
                throw new CorruptObjectException(FilePath, "bad hardlink entry length", offset);
            }

            var data = new byte[length];
            if (!ReadAll(data, offset))
            {
                throw new CorruptObjectException(FilePath, "truncated hardlink entry", offset);
            }

            var (dev, ino, path) = IndexFormat.DecodeLink(data, FilePath, offset);
            links[(dev, ino)] = path;
            offset += length;
        }

        return links;
    }

    private bool ReadAll(Span<byte> buffer, long offset)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var n = RandomAccess.Read(_file, buffer[got..], offset + got);
            if (n <= 0)
            {
                return false;
            }

            got += n;
        }

        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
