// Writing restored content, sparsely as bup restore --sparse does (_helpers.c write_sparsely),
// but by whole filesystem blocks: a zero block is skipped, so the filesystem leaves a hole.
using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace BupBackup.Restore;

/// <summary>Copies a stream into a new file, leaving holes where whole 4 KiB blocks are zero. Stateless, thread-safe.</summary>
internal static class SparseFileWriter
{
    /// <summary>The unit of hole detection: the page and usual filesystem block size.</summary>
    public const int BlockSize = 4096;

    private const int BufferSize = 1 << 20; // a multiple of BlockSize, so blocks stay aligned to file offsets

    /// <summary>
    /// Copies <paramref name="source"/> to the empty file <paramref name="target"/> from offset 0 and
    /// returns the length written. With <paramref name="sparse"/>, zero blocks are skipped and the
    /// length is set at the end, so trailing zeros become a hole too.
    /// </summary>
    public static long Copy(Stream source, SafeFileHandle target, bool sparse)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0, dataEnd = 0;
            int n;
            while ((n = source.ReadAtLeast(buffer.AsSpan(0, BufferSize), BufferSize, throwOnEndOfStream: false)) > 0)
            {
                var end = Write(target, buffer.AsSpan(0, n), offset, sparse);
                dataEnd = end > 0 ? offset + end : dataEnd;
                offset += n;
            }

            if (dataEnd < offset)
            {
                RandomAccess.SetLength(target, offset);
            }

            return offset;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/> of <paramref name="target"/>, with
    /// <paramref name="sparse"/> skipping its whole zero blocks (counted from the start of
    /// <paramref name="data"/>, so offsets should be block-aligned); returns where the last written
    /// byte ends within <paramref name="data"/> (0: nothing written). The caller sets the final length.
    /// </summary>
    public static int Write(SafeFileHandle target, ReadOnlySpan<byte> data, long offset, bool sparse) =>
        sparse ? WriteSparsely(target, data, offset) : WriteAll(target, data, offset);

    private static int WriteAll(SafeFileHandle target, ReadOnlySpan<byte> data, long offset)
    {
        RandomAccess.Write(target, data, offset);
        return data.Length;
    }

    // Writes each run of non-zero blocks; returns where the last written byte ends (0: none written).
    private static int WriteSparsely(SafeFileHandle target, ReadOnlySpan<byte> data, long offset)
    {
        var written = 0;
        var start = SkipZeroBlocks(data, 0);
        while (start < data.Length)
        {
            var end = SkipDataBlocks(data, start);
            RandomAccess.Write(target, data[start..end], offset + start);
            written = end;
            start = SkipZeroBlocks(data, end);
        }

        return written;
    }

    private static int SkipZeroBlocks(ReadOnlySpan<byte> data, int position)
    {
        while (position < data.Length && IsZero(Block(data, position)))
        {
            position += BlockSize;
        }

        return Math.Min(position, data.Length);
    }

    private static int SkipDataBlocks(ReadOnlySpan<byte> data, int position)
    {
        while (position < data.Length && !IsZero(Block(data, position)))
        {
            position += BlockSize;
        }

        return Math.Min(position, data.Length);
    }

    private static ReadOnlySpan<byte> Block(ReadOnlySpan<byte> data, int position) =>
        data.Slice(position, Math.Min(BlockSize, data.Length - position));

    private static bool IsZero(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);
}
