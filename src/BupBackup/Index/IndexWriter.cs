using BupStore.Objects;
using BupStore.Repository;
using Microsoft.Win32.SafeHandles;

namespace BupBackup.Index;

/// <summary>
/// Writes a new bupfs-index file in one forward pass under a temporary name and renames it into
/// place on <see cref="Commit"/>, so readers only ever see a complete file. Records must arrive in
/// index order with every directory before its contents. A directory's subtree size and validity
/// are known only when its last descendant is written; its record is then rewritten in place.
/// </summary>
/// <remarks>
/// A directory stays valid only if every record below it is valid: one invalid descendant
/// invalidates all its ancestors, so a valid directory's tree can be reused without looking inside.
/// Not thread-safe. Disposing without <see cref="Commit"/> deletes the temporary file.
/// </remarks>
internal sealed class IndexWriter : IDisposable
{
    private const int BufferSize = 4 << 20;
    private readonly string _path;
    private readonly string _tempPath;
    private readonly SafeFileHandle _file;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly List<OpenDirectory> _open = [];
    private long _bufferStart;
    private int _bufferLength;
    private long _count;
    private byte[]? _previousPath;
    private bool _committed;

    /// <summary>Starts a new index that will replace <paramref name="path"/>.</summary>
    public IndexWriter(string path)
    {
        _path = Path.GetFullPath(path);
        _tempPath = Path.Combine(Path.GetDirectoryName(_path)!, $".{Path.GetFileName(_path)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _file = File.OpenHandle(_tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        IndexFormat.WriteHeader(_buffer);
        _bufferLength = IndexFormat.Layout.HeaderLength;
    }

    /// <summary>Records written so far.</summary>
    public long Count => _count;

    private long Position => _bufferStart + _bufferLength;

    /// <summary>Appends <paramref name="record"/> (its Descendants/SubtreeBytes are recomputed for directories).</summary>
    public void Add(IndexRecord record)
    {
        var (depth, name, explicitReal) = Place(record);
        var length = IndexFormat.EncodedLength(record, name, explicitReal);
        if (_bufferLength + length > _buffer.Length)
        {
            Flush();
        }

        var offset = Position;
        if (length <= _buffer.Length)
        {
            IndexFormat.Encode(record, depth, name, explicitReal, _buffer.AsSpan(_bufferLength, length));
            _bufferLength += length;
        }
        else
        {
            var big = new byte[length];
            IndexFormat.Encode(record, depth, name, explicitReal, big);
            WriteRaw(big);
        }

        // A directory's validity is final only when it closes; Close() tells its parent then.
        Count1(record, final: !record.IsDirectory);
        if (record.IsDirectory)
        {
            _open.Add(new OpenDirectory(record, depth, name, explicitReal, offset, length, _count));
        }
    }

    /// <summary>
    /// Copies <paramref name="record"/> and its whole subtree byte for byte from <paramref name="source"/>;
    /// valid only where the subtree lands at the same depth it had there.
    /// </summary>
    public void CopySubtree(IndexRecord record, IndexReader source)
    {
        Place(record);
        source.CopyTo(record.Offset, record.EncodedLength + record.SubtreeBytes, WriteRaw);
        Count1(record, final: true);
        _count += record.Descendants;
    }

    /// <summary>Marks the open directory <paramref name="path"/> as stored by <paramref name="tree"/>.</summary>
    public void SetDirectoryTree(ReadOnlySpan<byte> path, ObjectId tree)
    {
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            var record = _open[i].Record;
            if (record.Path.AsSpan().SequenceEqual(path))
            {
                record.GitMode = GitFileMode.Tree;
                record.Id = tree;
                record.Flags |= IndexFlags.HashValid;
                return;
            }
        }

        throw new InvalidOperationException($"directory {NameText.Display(path)} is not open in the index being written");
    }

    /// <summary>Clears the validity of the open directories containing <paramref name="path"/> (it was dropped).</summary>
    public void InvalidateAncestorsOf(ReadOnlySpan<byte> path)
    {
        foreach (var dir in _open)
        {
            if (path.StartsWith(dir.Record.Path))
            {
                dir.ChildInvalid = true;
            }
        }
    }

    private void Count1(IndexRecord record, bool final)
    {
        _count++;
        if (final && !record.IsValid && _open.Count > 0)
        {
            _open[^1].ChildInvalid = true;
        }
    }

    /// <summary>Closes finished directories and returns where <paramref name="record"/> goes.</summary>
    private (int Depth, byte[] Name, byte[] ExplicitReal) Place(IndexRecord record)
    {
        if (_previousPath is not null && record.Path.AsSpan().SequenceCompareTo(_previousPath) <= 0)
        {
            throw new InvalidOperationException($"index record {record} out of order after {NameText.Display(_previousPath)}");
        }

        _previousPath = record.Path;
        while (_open.Count > 0 && !record.Path.AsSpan().StartsWith(_open[^1].Record.Path))
        {
            Close();
        }

        return _open.Count == 0 ? PlaceRoot(record) : PlaceChild(record, _open[^1].Record);
    }

    private (int, byte[], byte[]) PlaceRoot(IndexRecord record)
    {
        if (_count > 0 || !record.Path.AsSpan().SequenceEqual("/"u8))
        {
            throw new InvalidOperationException($"index record {record} has no parent directory");
        }

        return (0, [], ExplicitReal(record, null, []));
    }

    private (int, byte[], byte[]) PlaceChild(IndexRecord record, IndexRecord parent)
    {
        var rest = record.Path.AsSpan(parent.Path.Length);
        var name = (record.IsDirectory ? rest[..^1] : rest).ToArray();
        if (name.Length == 0 || name.AsSpan().Contains((byte)'/'))
        {
            throw new InvalidOperationException($"index record {record} is not a child of {parent}");
        }

        return (_open.Count, name, ExplicitReal(record, parent.RealPath, name));
    }

    private static byte[] ExplicitReal(IndexRecord record, byte[]? parentReal, ReadOnlySpan<byte> name)
    {
        if (record.IsSynthetic)
        {
            return [];
        }

        return IndexFormat.IsDerivedRealPath(record.RealPath, parentReal, name, record.IsDirectory) ? [] : record.RealPath;
    }

    private void Close()
    {
        var dir = _open[^1];
        _open.RemoveAt(_open.Count - 1);
        var record = dir.Record;
        record.Descendants = _count - dir.CountAfter;
        record.SubtreeBytes = Position - (dir.Offset + dir.Length);
        if (dir.ChildInvalid)
        {
            record.Flags &= ~IndexFlags.HashValid;
        }

        if (!record.IsValid && _open.Count > 0)
        {
            _open[^1].ChildInvalid = true;
        }

        var bytes = new byte[dir.Length];
        IndexFormat.Encode(record, dir.Depth, dir.Name, dir.ExplicitReal, bytes);
        Patch(dir.Offset, bytes);
    }

    private void WriteRaw(ReadOnlySpan<byte> data)
    {
        if (_bufferLength + data.Length > _buffer.Length)
        {
            Flush();
        }

        if (data.Length > _buffer.Length)
        {
            RandomAccess.Write(_file, data, _bufferStart);
            _bufferStart += data.Length;
            return;
        }

        data.CopyTo(_buffer.AsSpan(_bufferLength));
        _bufferLength += data.Length;
    }

    private void Flush()
    {
        RandomAccess.Write(_file, _buffer.AsSpan(0, _bufferLength), _bufferStart);
        _bufferStart += _bufferLength;
        _bufferLength = 0;
    }

    private void Patch(long offset, ReadOnlySpan<byte> bytes)
    {
        if (offset >= _bufferStart)
        {
            bytes.CopyTo(_buffer.AsSpan((int)(offset - _bufferStart)));
        }
        else
        {
            RandomAccess.Write(_file, bytes, offset);
        }
    }

    /// <summary>
    /// Finishes the file with the hardlink table <paramref name="links"/>, makes it durable and
    /// renames it over the old index.
    /// </summary>
    public void Commit(IReadOnlyDictionary<(ulong Device, ulong Inode), byte[]> links)
    {
        while (_open.Count > 0)
        {
            Close();
        }

        var recordsEnd = Position;
        foreach (var ((dev, ino), path) in links.OrderBy(l => l.Key))
        {
            WriteRaw(IndexFormat.EncodeLink(dev, ino, path));
        }

        var footer = new byte[IndexFormat.Layout.FooterLength];
        IndexFormat.WriteFooter(footer, new IndexFooter(recordsEnd, _count, links.Count));
        WriteRaw(footer);
        Flush();
        RandomAccess.FlushToDisk(_file);
        _file.Dispose();
        File.Move(_tempPath, _path, overwrite: true);
        Durable.SyncDirectory(Path.GetDirectoryName(_path)!);
        _committed = true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _file.Dispose();
        if (!_committed)
        {
            File.Delete(_tempPath);
        }
    }

    private sealed class OpenDirectory(IndexRecord record, int depth, byte[] name, byte[] explicitReal, long offset, int length, long countAfter)
    {
        public IndexRecord Record { get; } = record;

        public int Depth { get; } = depth;

        public byte[] Name { get; } = name;

        public byte[] ExplicitReal { get; } = explicitReal;

        public long Offset { get; } = offset;

        public int Length { get; } = length;

        public long CountAfter { get; } = countAfter;

        public bool ChildInvalid { get; set; }
    }
}
