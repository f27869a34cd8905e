using BupBackup.Index;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Saves;
using Microsoft.Win32.SafeHandles;

namespace BupBackup.Save;

/// <summary>
/// Stores one non-directory as bup save does (cmd/save.py): fresh lstat and metadata, a regular
/// file's content hashsplit into blobs, a symlink's target as a blob, anything else as the empty
/// blob. A path that vanished, changed type, or cannot be read is skipped with a warning; a file
/// whose size or times change while it is read is stored as read, with a warning, and stays
/// marked for reading at the next save.
/// </summary>
/// <remarks>Thread-safe: one instance serves every worker.</remarks>
internal sealed class FileSaver
{
    /// <summary>
    /// Files of at least one put are read put by put with their chunks hashed on every core;
    /// smaller ones are read whole into the worker's own buffer, so that they never take the
    /// 16 MiB pooled arrays a full put needs (the shared pool keeps several per core).
    /// </summary>
    private const long LargeFile = HashSplitter.ReadSize;

    [ThreadStatic]
    private static byte[]? _readBuffer;

    private readonly LargeFileThread _largeFiles;
    private readonly ConcurrentObjectWriter _writer;
    private readonly IReadOnlyDictionary<(ulong Device, ulong Inode), byte[]> _hardlinks;
    private readonly SaveStatistics _stats;
    private readonly Action<long, byte[]>? _onProgress;

    public FileSaver(ConcurrentObjectWriter writer, IReadOnlyDictionary<(ulong Device, ulong Inode), byte[]> hardlinks, SaveStatistics stats, Action<long, byte[]>? onProgress, LargeFileThread largeFiles)
    {
        _largeFiles = largeFiles;
        _writer = writer;
        _hardlinks = hardlinks;
        _stats = stats;
        _onProgress = onProgress;
    }

    /// <summary>Does <paramref name="job"/>: fills in its object, metadata and updated record, or its warnings.</summary>
    public void Save(FileJob job)
    {
        var record = job.Record;
        var path = PathNames.ForSystem(record.RealPath);
        try
        {
            if (Prepare(job, path) is not { } prepared)
            {
                return;
            }

            Store(job, path, prepared.Status, prepared.Metadata);
        }
        catch (Exception e) when (e is PosixException or IOException or UnauthorizedAccessException)
        {
            job.GitMode = GitFileMode.None;
            job.Warnings.Add($"{NameText.Display(record.Path)}: {e.Message}");
        }
    }

    /// <summary>lstat and metadata; null (with a warning) when the entry must be skipped.</summary>
    private (FileStatus Status, BupMetadata Metadata)? Prepare(FileJob job, byte[] path)
    {
        var record = job.Record;
        if (PosixFiles.TryLStat(path) is not { } status)
        {
            job.Warnings.Add($"{NameText.Display(record.Path)}: vanished since indexing, skipping.");
            return null;
        }

        if (status.FileType != record.Status.FileType)
        {
            job.Warnings.Add($"{NameText.Display(record.Path)}: mode changed since indexing, skipping.");
            return null;
        }

        return (status, Metadata(record, path, status, job.Warnings));
    }

    private static BupMetadata Metadata(IndexRecord record, byte[] path, in FileStatus status, List<string> warnings)
    {
        // Unchanged inode (ctime included): what the index read is still true; only atime moves.
        if (!record.IsStale(status, checkDevice: false) && record.DecodeMetadata() is { } known)
        {
            known.Atime = status.Atime;
            return known;
        }

        var fresh = MetadataReader.FromPath(path, null, normalized: true, warnings);
        return fresh;
    }

    private void Store(FileJob job, byte[] path, FileStatus status, BupMetadata metadata)
    {
        var readStart = DateTimeOffset.UtcNow;
        var changed = false;
        (GitFileMode, ObjectId) stored;
        switch (status.FileType)
        {
            case PosixFileType.Regular:
                (stored, changed) = StoreContent(job, path, status, metadata);
                break;
            case PosixFileType.Symlink when metadata.SymlinkTarget is { } target:
                stored = (GitFileMode.Symlink, _writer.Write(ObjectType.Blob, target));
                break;
            case PosixFileType.Symlink:
                throw new IOException("cannot read the symlink target");
            default:
                // Devices, FIFOs and sockets are described by their metadata alone.
                stored = (GitFileMode.Regular, ObjectId.EmptyBlob);
                break;
        }

        if (stored.Item2 == ObjectId.EmptyBlob)
        {
            _writer.EnsureEmptyBlob();
        }

        (job.GitMode, job.Id) = stored;
        job.Updated = UpdatedRecord(job.Record, status, metadata, stored, changed, readStart);
        metadata.HardlinkTarget = job.Record.Status.LinkCount > 1 && _hardlinks.TryGetValue((job.Record.Status.Device, job.Record.Status.Inode), out var t) ? t : null;
        job.Metadata = metadata;
    }

    private ((GitFileMode, ObjectId) Stored, bool Changed) StoreContent(FileJob job, byte[] path, in FileStatus before, BupMetadata metadata)
    {
        var indexPath = job.Record.Path;
        using var stream = new CountingStream(Open(path), n =>
        {
            _stats.AddRead(n);
            _onProgress?.Invoke(n, indexPath);
        });
        var stored = before.Size >= LargeFile ? SplitLarge(stream) : SplitSmall(stream, before.Size);
        _stats.AddFileRead();
        metadata.Size = stream.BytesRead; // bup records what it read, whatever lstat said
        var after = PosixFiles.TryLStat(path);
        var changed = after is not { } a || a.Inode != before.Inode || a.Size != before.Size || a.Mtime != before.Mtime
            || a.Ctime != before.Ctime || stream.BytesRead != before.Size;
        if (changed)
        {
            job.Warnings.Add($"{NameText.Display(indexPath)}: changed while being read; saved {stream.BytesRead} bytes as read.");
        }

        return (stored, changed);
    }

    /// <summary>
    /// Hashsplits a file of a put or more: each 8 MiB put is read straight into a pooled buffer,
    /// its chunks hashed and compressed on every core, and appended under the lock only briefly,
    /// so that other workers keep storing small files meanwhile. Reading put N+1 overlaps storing
    /// put N (<see cref="BlobSplitter.Split(ConcurrentObjectWriter, Stream)"/>).
    /// </summary>
    private (GitFileMode, ObjectId) SplitLarge(Stream stream) => _largeFiles.Run(() => BlobSplitter.Split(_writer, stream));

    /// <summary>
    /// Hashsplits a small file read whole into this worker's buffer, cut there in place: no pooled
    /// array and no copy (a pooled copy per worker and size class cost ~100 MB of heap on /usr/share).
    /// </summary>
    private (GitFileMode, ObjectId) SplitSmall(Stream stream, long expectedSize)
    {
        var chunks = new BlobSplitter(_writer, parallel: false);
        var splitter = new HashSplitter();
        while (ReadPut(stream, expectedSize) is > 0 and var length)
        {
            chunks.Add(splitter.PutInPlace(_readBuffer!, length));
            expectedSize = HashSplitter.ReadSize; // the file grew past one put
        }

        chunks.Add(splitter.Finish());
        return chunks.Finish();
    }

    /// <summary>
    /// Reads one put into this worker's buffer and returns its length: up to ReadSize bytes, fewer
    /// only at the end of the file, as bup reads, so the chunks match bup's even if the file grew.
    /// The buffer is sized for the file, not for a put.
    /// </summary>
    private static int ReadPut(Stream stream, long expectedSize)
    {
        var want = (int)Math.Min(HashSplitter.ReadSize, expectedSize + 1);
        var buffer = Buffer(want);
        var n = stream.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
        if (n == want && want < HashSplitter.ReadSize)
        {
            buffer = Buffer(HashSplitter.ReadSize);
            n += stream.ReadAtLeast(buffer.AsSpan(n), HashSplitter.ReadSize - n, throwOnEndOfStream: false);
        }

        return n;
    }

    /// <summary>This worker's read buffer, grown (keeping its contents) to at least <paramref name="size"/> bytes.</summary>
    private static byte[] Buffer(int size)
    {
        var buffer = _readBuffer;
        if (buffer is null || buffer.Length < size)
        {
            var grown = GC.AllocateUninitializedArray<byte>(Math.Max(size, 64 << 10));
            buffer?.CopyTo(grown, 0);
            _readBuffer = buffer = grown;
        }

        return buffer;
    }

    /// <summary>Opens for reading without following a symlink, blocking on a FIFO, or touching atime when allowed.</summary>
    private static Stream Open(byte[] path)
    {
        var fd = PosixFiles.OpenForReading(path);
        return new FileRangeStream(new SafeFileHandle(fd, ownsHandle: true), 0, long.MaxValue, ownsHandle: true);
    }

    private static IndexRecord UpdatedRecord(IndexRecord old, in FileStatus status, BupMetadata metadata, (GitFileMode Mode, ObjectId Id) stored, bool changed, DateTimeOffset readStart)
    {
        // The index's own rule, so a file the index would trust is not re-read by the next save.
        var racy = RacyTimestamps.IsRacy(status, BupTimespec.FromUnixNanoseconds((readStart - DateTimeOffset.UnixEpoch).Ticks * 100));
        return new IndexRecord
        {
            Path = old.Path,
            RealPath = old.RealPath,
            Status = status,
            Metadata = metadata.Encode(),
            GitMode = stored.Mode,
            Id = stored.Id,
            Flags = (changed ? IndexFlags.None : IndexFlags.HashValid) | (racy ? IndexFlags.Racy : IndexFlags.None),
        };
    }
}
