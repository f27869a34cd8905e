using BupBackup.Posix;
using BupBackup.Posix.Interop;
using BupStore.Formats;
using Microsoft.Win32.SafeHandles;

namespace BupBackup.Restore.Pipeline;

/// <summary>
/// A regular file being restored: created empty and private, filled front to back (zero blocks
/// left as holes when sparse), then given its length.
/// </summary>
/// <remarks>Not thread-safe: one writer per file.</remarks>
internal sealed class RestoredFile : IDisposable
{
    private const uint PrivateMode = 0x180; // 0o600: metadata gives the real mode afterwards

    private readonly SafeFileHandle _handle;
    private readonly bool _sparse;
    private long _length;
    private long _dataEnd;
    private long _writtenBack;

    private RestoredFile(SafeFileHandle handle, bool sparse)
    {
        _handle = handle;
        _sparse = sparse;
    }

    /// <summary>
    /// Creates the file at <paramref name="path"/>. The exclusive create comes first because below a
    /// directory the restore just made nothing is in the way; when something is, bup's rules for
    /// replacing it apply (<see cref="NodeCreator.Create"/>).
    /// </summary>
    public static RestoredFile Create(byte[] path, BupMetadata metadata, bool sparse)
    {
        SafeFileHandle handle;
        try
        {
            handle = PosixFiles.CreateExclusive(path, PrivateMode);
        }
        catch (PosixException e) when (e.Errno == Errno.EEXIST)
        {
            handle = NodeCreator.Create(path, metadata) ?? throw new InvalidDataException("not a regular file record");
        }

        return new RestoredFile(handle, sparse);
    }

    /// <summary>Appends <paramref name="data"/>; holes are whole 4 KiB blocks, so appends should stay block-aligned until the last.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        var end = SparseFileWriter.Write(_handle, data, _length, _sparse);
        _dataEnd = end > 0 ? _length + end : _dataEnd;
        _length += data.Length;
        if (_length - _writtenBack >= EarlyWriteBack.Step)
        {
            EarlyWriteBack.Start(_handle, _writtenBack, _length - _writtenBack);
            _writtenBack = _length;
        }
    }

    /// <summary>Sets the length when the content ended in a hole.</summary>
    public void Finish()
    {
        if (_dataEnd < _length)
        {
            RandomAccess.SetLength(_handle, _length);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();
}
