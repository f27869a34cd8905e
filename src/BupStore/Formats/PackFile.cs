using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using BupStore.Objects;
using Microsoft.Win32.SafeHandles;

namespace BupStore.Formats;

/// <summary>
/// Reads entries of a git pack (gitformat-pack, v2/v3; docs/formats/pack-and-idx.md, "The pack") by offset. Delta entries
/// come back raw; <c>ObjectStore</c> resolves them, since a REF_DELTA base may live in another pack.
/// </summary>
/// <remarks>Thread-safe: all reads are positional.</remarks>
public sealed class PackFile : IDisposable
{
    /// <summary>Bytes of the "PACK" header: magic, version, object count.</summary>
    public const int HeaderLength = 12;

    private const int TrailerLength = ObjectId.Size;

    // Objects whose compressed form may exceed this are inflated through a stream instead.
    private const int MaxBufferedInput = 16 << 20;

    private readonly SafeFileHandle _handle;

    private PackFile(string path, SafeFileHandle handle, long length, uint count)
    {
        Path = path;
        _handle = handle;
        Length = length;
        Count = count;
    }

    /// <summary>The pack's path.</summary>
    public string Path { get; }

    /// <summary>The file length in bytes.</summary>
    public long Length { get; }

    /// <summary>The object count from the header.</summary>
    public uint Count { get; }

    /// <summary>Opens a pack and validates its header.</summary>
    public static PackFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var length = RandomAccess.GetLength(handle);
            Span<byte> header = stackalloc byte[HeaderLength];
            if (length < HeaderLength + TrailerLength || RandomAccess.Read(handle, header, 0) != HeaderLength)
            {
                throw new CorruptObjectException(path, "file too short for a pack", 0);
            }

            if (!header[..4].SequenceEqual("PACK"u8))
            {
                throw new CorruptObjectException(path, "bad pack magic", 0);
            }

            var version = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            if (version is not 2 and not 3)
            {
                throw new CorruptObjectException(path, $"unsupported pack version {version}", 4);
            }

            return new PackFile(path, handle, length, BinaryPrimitives.ReadUInt32BigEndian(header[8..]));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The end of object data (start of the trailer).</summary>
    public long DataEnd => Length - TrailerLength;

    /// <summary>Parses the entry header at <paramref name="offset"/>.</summary>
    public PackObjectHeader ReadHeader(long offset)
    {
        if (offset < HeaderLength || offset >= DataEnd)
        {
            throw new CorruptObjectException(Path, "object offset outside the pack", offset);
        }

        var bytes = PackReadBuffer.Read(this, _handle, offset, (int)Math.Min(PackObjectHeader.MaxLength, DataEnd - offset));
        return PackObjectHeader.Parse(bytes, offset, Path);
    }

    /// <summary>Inflates the entry data of the object at <paramref name="offset"/> whose header is known.</summary>
    /// <param name="offset">The entry's offset.</param>
    /// <param name="header">Its parsed header.</param>
    /// <param name="pinned">
    /// Allocate the data on the pinned-object heap. For callers that keep decoded objects in a cache
    /// (the mount): in the ordinary heap every compacting collection copied the survivors again (7%
    /// of a 400 MB read's CPU, peak 170 MiB instead of 103). One-pass readers (restore) must not: that
    /// heap is only swept by full collections, which a restore then ran every ~3 MB.
    /// </param>
    public byte[] Inflate(long offset, in PackObjectHeader header, bool pinned = false)
    {
        var dataStart = offset + header.HeaderLength;
        var available = DataEnd - dataStart;

        // deflate cannot expand input more than about 1032:1, so a larger size is a lie.
        if (header.Size > Array.MaxLength || header.Size > (available * 1032) + 64)
        {
            throw new CorruptObjectException(Path, $"object size {header.Size} impossible for its place in the pack", offset);
        }

        var data = GC.AllocateUninitializedArray<byte>((int)header.Size, pinned);
        if (!TryInflateBuffered(offset, dataStart, data))
        {
            InflateStreaming(offset, dataStart, data);
        }

        return data;
    }

    // One read of everything the stream can occupy, then one inflate call. The bound is zlib's own
    // worst case (compressBound) with room for stored blocks; a stream longer than that (legal but
    // odd), or an object too big to buffer, takes the streaming path instead.
    private bool TryInflateBuffered(long offset, long dataStart, byte[] data)
    {
        var bound = Math.Min(InflateBound(data.Length), DataEnd - dataStart);
        if (bound > MaxBufferedInput)
        {
            return false;
        }

        byte[]? rented = null;
        try
        {
            return Finished(ZlibInflater.Inflate(ReadInput(dataStart, (int)bound, ref rented), data), offset);
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>
    /// Inflates the entry at <paramref name="offset"/> straight into <paramref name="destination"/>
    /// when it is a whole (not deltified) blob of exactly that size, reading its header and data
    /// with one pread. False when it is anything else, for the caller to take the general path,
    /// which also reports what is wrong; damaged zlib data throws here as there.
    /// </summary>
    /// <remarks>
    /// For readers that know a chunk's size from its chunk tree: the mount inflates the chunks a
    /// large read covers into the reply itself, with no array allocated, cached or copied.
    /// </remarks>
    public bool TryInflateBlobInto(long offset, Span<byte> destination)
    {
        var bound = Math.Min(PackObjectHeader.MaxLength + InflateBound(destination.Length), DataEnd - offset);
        if (offset < HeaderLength || offset >= DataEnd || bound > MaxBufferedInput)
        {
            return false;
        }

        byte[]? rented = null;
        try
        {
            var input = ReadInput(offset, (int)bound, ref rented);
            var header = PackObjectHeader.Parse(input[..Math.Min(input.Length, PackObjectHeader.MaxLength)], offset, Path);
            return header.Type == ObjectType.Blob && header.Size == destination.Length
                && Finished(ZlibInflater.Inflate(input[header.HeaderLength..], destination), offset);
        }
        finally
        {
            Return(rented);
        }
    }

    // `count` bytes at `offset` (fewer at the end of the file): from this thread's read buffer, or
    // for a large object from a pooled array the caller gives back with Return.
    private ReadOnlySpan<byte> ReadInput(long offset, int count, ref byte[]? rented)
    {
        if (count <= PackReadBuffer.WindowSize)
        {
            return PackReadBuffer.Read(this, _handle, offset, count);
        }

        rented = ArrayPool<byte>.Shared.Rent(count);
        return rented.AsSpan(0, RandomAccess.Read(_handle, rented.AsSpan(0, count), offset));
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // zlib's compressBound for `size` bytes plus room for stored blocks.
    private static long InflateBound(long size) => size + (size >> 12) + (size >> 14) + (size >> 25) + 64;

    // True when the inflate is done; false when it needs the streaming path; throws for bad data.
    private bool Finished(InflateStatus status, long offset) => status switch
    {
        InflateStatus.Complete => true,
        InflateStatus.TooShort => throw new CorruptObjectException(Path, "zlib data ends before the object's size", offset),
        InflateStatus.TooLong => throw new CorruptObjectException(Path, "zlib data longer than the object's size", offset),
        InflateStatus.Corrupt => throw new CorruptObjectException(Path, "bad zlib data", offset),
        _ => false,
    };

    private void InflateStreaming(long offset, long dataStart, byte[] data)
    {
        try
        {
            using var source = new FileRangeStream(_handle, dataStart, DataEnd);
            using var z = new ZLibStream(source, CompressionMode.Decompress);
            z.ReadExactly(data);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new CorruptObjectException(Path, $"bad zlib data: {e.Message}", offset);
        }
    }

    /// <summary>Reads <paramref name="count"/> raw bytes at <paramref name="offset"/> (for CRC checks).</summary>
    public byte[] ReadRaw(long offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > Length)
        {
            throw new CorruptObjectException(Path, "raw range outside the pack", offset);
        }

        var data = new byte[count];
        RandomAccess.Read(_handle, data, offset);
        return data;
    }

    /// <summary>The trailer: SHA-1 of everything before it, and the pack's name.</summary>
    public ObjectId ReadTrailer()
    {
        Span<byte> raw = stackalloc byte[TrailerLength];
        RandomAccess.Read(_handle, raw, DataEnd);
        return ObjectId.FromBytes(raw);
    }

    /// <summary>Recomputes the SHA-1 of the pack body and compares it with the trailer.</summary>
    public bool VerifyTrailer() => FileChecksum.Compute(_handle, 0, DataEnd) is { } actual && actual == ReadTrailer();

    /// <inheritdoc/>
    public void Dispose() => _handle.Dispose();
}
