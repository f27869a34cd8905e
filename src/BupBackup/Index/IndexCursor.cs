using BupStore.Formats;

namespace BupBackup.Index;

/// <summary>
/// Walks the records of an index file in order, rebuilding each path from its parents and checking
/// the structure as it goes: one root, depths that only step down one level, strictly increasing
/// paths, and directory subtree lengths that match what follows them. A subtree can be skipped
/// whole. Any inconsistency throws <see cref="CorruptObjectException"/>.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class IndexCursor
{
    private readonly IndexReader _reader;
    private readonly List<IndexRecord> _parents = [];
    private long _offset = IndexReader.RecordsStart;
    private byte[]? _previousPath;
    private bool _pushCurrent;

    /// <summary>Starts before the first record of <paramref name="reader"/>.</summary>
    public IndexCursor(IndexReader reader)
    {
        _reader = reader;
    }

    /// <summary>The record the last <see cref="MoveNext"/> returned.</summary>
    public IndexRecord? Current { get; private set; }

    /// <summary>The directories containing <see cref="Current"/>, the root first.</summary>
    public IReadOnlyList<IndexRecord> Parents => _parents;

    /// <summary>Offset of the next record to read.</summary>
    public long Position => _offset;

    /// <summary>Moves to the next record in file order; false at the end.</summary>
    public bool MoveNext()
    {
        if (_pushCurrent && Current is { IsDirectory: true } dir)
        {
            _parents.Add(dir);
        }

        _pushCurrent = true;
        if (_offset >= _reader.Footer.RecordsEnd)
        {
            CloseParents(0);
            Current = null;
            return false;
        }

        Current = ReadNext();
        return true;
    }

    /// <summary>Makes the next <see cref="MoveNext"/> continue after the current directory's subtree.</summary>
    public void SkipSubtree()
    {
        if (Current is null)
        {
            throw new InvalidOperationException("no current record");
        }

        _offset = _reader.SubtreeEnd(Current);
        _pushCurrent = false;
    }

    private IndexRecord ReadNext()
    {
        var bytes = _reader.RecordBytes(_offset);
        var depth = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes[IndexFormat.Layout.Depth..]);
        if (depth > _parents.Count || (depth == 0) != (_previousPath is null))
        {
            throw new CorruptObjectException(_reader.FilePath, $"record depth {depth} out of place", _offset);
        }

        CloseParents(depth);
        var parent = depth == 0 ? null : _parents[depth - 1];
        var (record, _) = IndexFormat.Decode(bytes, _offset, _reader.FilePath, parent?.Path, parent?.RealPath);
        if (_previousPath is not null && record.Path.AsSpan().SequenceCompareTo(_previousPath) <= 0)
        {
            throw new CorruptObjectException(_reader.FilePath, "records out of order", _offset);
        }

        _previousPath = record.Path;
        _offset += record.EncodedLength;
        return record;
    }

    private void CloseParents(int depth)
    {
        while (_parents.Count > depth)
        {
            var dir = _parents[^1];
            if (dir.Offset + dir.EncodedLength + dir.SubtreeBytes != _offset)
            {
                throw new CorruptObjectException(_reader.FilePath, $"subtree length of {dir} does not match its records", dir.Offset);
            }

            _parents.RemoveAt(_parents.Count - 1);
        }
    }
}
