using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace BupStore.Formats;

/// <summary>
/// A memory-mapped file with bounds-checked access: the one way the index readers (idx, midx, bloom)
/// touch file bytes, so that no damaged count or offset can ever read outside the mapping. Every
/// access is checked against the length seen at open time; a failed check is a
/// <see cref="CorruptObjectException"/> naming the file, because callers only compute offsets from
/// file contents.
/// </summary>
/// <remarks>
/// Concurrency: reads may run on any number of threads at once. <see cref="Dispose"/> must not race
/// with reads (it unmaps the memory); owners dispose only when no lookup is in flight.
/// Files are opened with sharing for read, write and delete, because bup replaces midx/bloom files by
/// rename and updates bup.bloom in place while readers have it mapped.
/// </remarks>
internal sealed unsafe partial class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _pointer;

    private MappedFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, bool writable)
    {
        Path = path;
        Length = length;
        Writable = writable;
        _map = map;
        _view = view;
        if (view is not null)
        {
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointer = pointer + view.PointerOffset;
        }
    }

    /// <summary>The file name used in error messages.</summary>
    public string Path { get; }

    /// <summary>The file length when it was mapped; nothing past it is ever read.</summary>
    public long Length { get; }

    /// <summary>True when the mapping accepts writes.</summary>
    public bool Writable { get; }

    /// <summary>Maps a whole file read-only. An empty file gives a mapping of length 0.</summary>
    public static MappedFile OpenRead(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.RandomAccess);
        try
        {
            var length = stream.Length;
            if (length == 0)
            {
                stream.Dispose();
                return new MappedFile(path, 0, null, null, writable: false);
            }

            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read,
                HandleInheritability.None, leaveOpen: false);
            return Create(path, length, map, MemoryMappedFileAccess.Read);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Maps the first <paramref name="length"/> bytes of an open read-write stream for writing. The
    /// stream stays owned by the caller (who fsyncs it and may write past the mapping afterwards).
    /// </summary>
    public static MappedFile MapReadWrite(FileStream stream, string path, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, stream.Length);
        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.ReadWrite,
            HandleInheritability.None, leaveOpen: true);
        try
        {
            var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
            return new MappedFile(path, length, map, view, writable: true);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    private static MappedFile Create(string path, long length, MemoryMappedFile map, MemoryMappedFileAccess access)
    {
        try
        {
            var view = map.CreateViewAccessor(0, length, access);
            return new MappedFile(path, length, map, view, writable: false);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>True when [offset, offset+length) lies inside the file.</summary>
    public bool Contains(long offset, long length) =>
        offset >= 0 && length >= 0 && offset <= Length && length <= Length - offset;

    /// <summary>The bytes [offset, offset+length); throws when they are not all inside the file.</summary>
    public ReadOnlySpan<byte> Read(long offset, int length)
    {
        Check(offset, length);
        return new ReadOnlySpan<byte>(_pointer + offset, length);
    }

    /// <summary>Writable bytes [offset, offset+length) of a read-write mapping.</summary>
    public Span<byte> Write(long offset, int length)
    {
        if (!Writable)
        {
            throw new InvalidOperationException($"{Path} is mapped read-only");
        }

        Check(offset, length);
        return new Span<byte>(_pointer + offset, length);
    }

    /// <summary>One byte at <paramref name="offset"/>.</summary>
    public byte ReadByte(long offset)
    {
        Check(offset, 1);
        return _pointer[offset];
    }

    /// <summary>A big-endian uint16 at <paramref name="offset"/>.</summary>
    public ushort ReadUInt16BigEndian(long offset) => BinaryPrimitives.ReadUInt16BigEndian(Read(offset, 2));

    /// <summary>A big-endian uint32 at <paramref name="offset"/>.</summary>
    public uint ReadUInt32BigEndian(long offset) => BinaryPrimitives.ReadUInt32BigEndian(Read(offset, 4));

    /// <summary>A big-endian uint64 at <paramref name="offset"/>.</summary>
    public ulong ReadUInt64BigEndian(long offset) => BinaryPrimitives.ReadUInt64BigEndian(Read(offset, 8));

    /// <summary>Writes dirty pages of a read-write mapping back to the file (msync).</summary>
    public void Flush() => _view?.Flush();

    private void Check(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_pointer == null && Length != 0, this);
        if (!Contains(offset, length))
        {
            throw new CorruptObjectException(Path,
                $"needs {length} bytes but the file has {Length} bytes", offset);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_pointer != null)
        {
            _pointer = null;
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        _view?.Dispose();
        _map?.Dispose();
    }

    /// <summary>
    /// Makes a rename or unlink inside <paramref name="directory"/> durable (fsync of the directory),
    /// as bup does after publishing a pack. Windows has no directory fsync; NTFS journals renames.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        int fd;
        try
        {
            fd = NativeOpen(directory, 0 /* O_RDONLY */);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return; // no usable libc binding: the rename stands, only its durability is weaker
        }

        if (fd < 0)
        {
            throw new IOException($"{directory}: cannot open directory for fsync (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (NativeFsync(fd) != 0)
            {
                throw new IOException($"{directory}: fsync failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = NativeClose(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int NativeFsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int NativeClose(int fd);
}
