using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Restore.Pipeline;

/// <summary>
/// Writes a regular file's content into a new file (<see cref="RestoredFile"/>) from wherever it
/// comes: straight from the store on the calling thread, from a <see cref="ContentChannel"/> filled
/// by the pipeline's readers, or from a stream. Metadata is the caller's business.
/// </summary>
/// <remarks>Thread-safe: every call works on its own file; the block pool is shared.</remarks>
internal sealed class ContentWriter
{
    private readonly ContentReader _reader;
    private readonly BufferPool _pool = new(BlockBuilder.BlockSize, 2);
    private readonly bool _sparse;

    /// <summary>Reads through <paramref name="reader"/>; <paramref name="sparse"/> leaves zero blocks as holes.</summary>
    public ContentWriter(ContentReader reader, bool sparse)
    {
        _reader = reader;
        _sparse = sparse;
    }

    /// <summary>
    /// Writes the file whose object is <paramref name="id"/> to <paramref name="path"/>. The top
    /// object is read first, so a missing one leaves nothing behind.
    /// </summary>
    public void WriteFromStore(byte[] path, BupMetadata metadata, ObjectId id)
    {
        var top = _reader.ReadTop(id);
        using var file = RestoredFile.Create(path, metadata, _sparse);
        if (top.Type == ObjectType.Blob)
        {
            file.Write(top.Data);
        }
        else
        {
            WriteChunks(file, id, top.Data);
        }

        file.Finish();
    }

    /// <summary>
    /// Writes what arrives in <paramref name="content"/> to <paramref name="path"/>, creating the file
    /// under <paramref name="createLock"/>. A failure before any content leaves nothing behind; on any
    /// failure the caller abandons the channel.
    /// </summary>
    public void WriteFromChannel(byte[] path, BupMetadata metadata, ContentChannel content, object createLock)
    {
        var more = content.Take(out var block);
        try
        {
            using var file = Create(path, metadata, createLock);
            while (more)
            {
                file.Write(block.Span);
                more = false;
                content.Release(block);
                more = content.Take(out block);
            }

            file.Finish();
        }
        finally
        {
            if (more)
            {
                content.Release(block);
            }
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>.</summary>
    public void WriteFromStream(byte[] path, BupMetadata metadata, Stream content)
    {
        using var file = RestoredFile.Create(path, metadata, _sparse);
        var buffer = _pool.Rent();
        try
        {
            for (int n; (n = content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0;)
            {
                file.Write(buffer.AsSpan(0, n));
            }
        }
        finally
        {
            _pool.Return(buffer);
        }

        file.Finish();
    }

    // The kernel creates the entries of one directory one at a time, under the directory's lock, and
    // a second writer creating in the same directory spins on that lock while the first allocates
    // its inode (a fifth of a small-file restore's CPU); waiting here lets it sleep instead.
    private RestoredFile Create(byte[] path, BupMetadata metadata, object createLock)
    {
        lock (createLock)
        {
            return RestoredFile.Create(path, metadata, _sparse);
        }
    }

    private void WriteChunks(RestoredFile file, ObjectId id, byte[] tree)
    {
        var blocks = new BlockBuilder(_pool, block =>
        {
            try
            {
                file.Write(block.Span);
            }
            finally
            {
                _pool.Return(block.Buffer);
            }

            return true;
        });
        try
        {
            _reader.ReadChunks(id, tree, blob => blocks.Append(blob));
            blocks.Flush();
        }
        finally
        {
            blocks.Discard();
        }
    }
}
