using System.Buffers.Binary;
using System.IO.Hashing;
using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Formats;

/// <summary>
/// Writes one git pack v2 with its idx v2 (bup git.PackWriter; docs/formats/pack-and-idx.md, "The pack"). Objects are
/// appended already zlib-compressed. The pack only becomes visible when whole: it is written in a
/// private objects/pack-tmp-* folder, synced, then renamed pack first and idx last (git and bup
/// ignore a pack without its idx), and the folder is synced. An aborted writer leaves nothing.
/// </summary>
/// <remarks>Not thread-safe: one appender.</remarks>
public sealed class PackWriter : IDisposable
{
    private readonly string _objectsDir;
    private readonly List<PackIndexEntry> _entries = [];
    private string? _tempDir;
    private FileStream? _pack;
    private const long WritebackStep = 32 << 20;
    private long _length;
    private long _writebackStart;
    private Exception? _failure;

    /// <summary>Creates a writer for the repository's objects folder; nothing is created until the first object.</summary>
    public PackWriter(string objectsDir)
    {
        _objectsDir = objectsDir;
    }

    /// <summary>Bytes written so far (header included).</summary>
    public long Length => _length;

    /// <summary>Objects written so far.</summary>
    public int Count => _entries.Count;

    /// <summary>Appends one non-delta object given as a complete zlib stream of its content.</summary>
    public void Append(ObjectId id, ObjectType type, long size, ReadOnlySpan<byte> zlibData)
    {
        if (_failure is not null)
        {
            throw new IOException($"an earlier write to this pack failed ({_failure.Message}); the pack will not be published", _failure);
        }

        try
        {
            AppendUnchecked(id, type, size, zlibData);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failure = e; // a write that failed half way leaves bytes the index does not describe
            throw;
        }
    }

    private void AppendUnchecked(ObjectId id, ObjectType type, long size, ReadOnlySpan<byte> zlibData)
    {
        var pack = _pack ?? Start();
        Span<byte> header = stackalloc byte[16];
        var headerLength = PackObjectHeader.Write(type, size, header);
        var crc = new Crc32();
        crc.Append(header[..headerLength]);
        crc.Append(zlibData);
        _entries.Add(new PackIndexEntry(id, _length, crc.GetCurrentHashAsUInt32()));
        pack.Write(header[..headerLength]);
        pack.Write(zlibData);
        _length += headerLength + zlibData.Length;
        if (_length - _writebackStart >= WritebackStep)
        {
            StartWriteback(pack);
        }
    }

    /// <summary>
    /// Asks the kernel to start writing what we have so far, so the disk works while we compute and
    /// the final fsync has little left to wait for (the kernel would otherwise hold gigabytes dirty).
    /// </summary>
    private void StartWriteback(FileStream pack)
    {
        pack.Flush();
        Durable.StartWriteback(pack.SafeFileHandle, _writebackStart, _length - _writebackStart);
        _writebackStart = _length;
    }

    private FileStream Start()
    {
        _tempDir = Path.Combine(_objectsDir, $"pack-tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_tempDir);
        _pack = new FileStream(Path.Combine(_tempDir, "pack"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        Span<byte> header = stackalloc byte[PackFile.HeaderLength];
        "PACK"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], 2);
        _pack.Write(header);
        _length = PackFile.HeaderLength;
        _writebackStart = 0;
        return _pack;
    }

    /// <summary>
    /// Completes and publishes the pack; returns the final .pack path, or null when no object was
    /// written (then nothing is created).
    /// </summary>
    public string? Finish()
    {
        if (_pack is null || _tempDir is null)
        {
            return null;
        }

        if (_failure is not null)
        {
            Abort();
            throw new IOException($"a write to the pack failed ({_failure.Message}); it was not published", _failure);
        }

        ObjectId checksum;
        try
        {
            checksum = SealPack(_pack);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failure = e;
            Abort();
            throw;
        }

        var idxTemp = Path.Combine(_tempDir, "idx");
        using (var idx = new FileStream(idxTemp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            PackIndex.Write(idx, _entries, checksum);
            idx.Flush(true);
        }

        var packDir = Path.Combine(_objectsDir, "pack");
        var final = Path.Combine(packDir, $"pack-{checksum}");
        File.Move(Path.Combine(_tempDir, "pack"), final + ".pack", overwrite: true);
        File.Move(idxTemp, final + ".idx", overwrite: true);
        Durable.SyncDirectory(packDir);
        Directory.Delete(_tempDir, recursive: true);
        _tempDir = null;
        _entries.Clear();
        return final + ".pack";
    }

    /// <summary>Patches the object count, appends the SHA-1 trailer and syncs; returns the trailer.</summary>
    private ObjectId SealPack(FileStream pack)
    {
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, (uint)_entries.Count);
        pack.Flush();
        RandomAccess.Write(pack.SafeFileHandle, count, 8);

        // The count is only known now, so the trailer needs one pass over the finished file.
        var trailer = FileChecksum.Compute(pack.SafeFileHandle, 0, _length)
            ?? throw new IOException($"{pack.Name}: shorter than the {_length} bytes just written");
        Span<byte> raw = stackalloc byte[ObjectId.Size];
        trailer.WriteTo(raw);
        RandomAccess.Write(pack.SafeFileHandle, raw, _length);
        pack.Flush(true);
        pack.Dispose();
        _pack = null;
        return trailer;
    }

    /// <summary>Discards an unfinished pack.</summary>
    public void Abort()
    {
        try
        {
            _pack?.Dispose();
        }
        catch (IOException)
        {
            // flushing the buffer of a pack being thrown away failed (a full disk): nothing to keep
        }

        _pack = null;
        if (_tempDir is not null && Directory.Exists(_tempDir))
        {
            Directory.Delete(_tempDir, recursive: true);
        }

        _tempDir = null;
        _entries.Clear();
    }

    /// <summary>Disposing without <see cref="Finish"/> aborts.</summary>
    public void Dispose() => Abort();
}
