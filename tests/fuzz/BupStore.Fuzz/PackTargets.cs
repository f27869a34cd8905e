using System.Buffers.Binary;
using System.IO.Compression;
using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Fuzz;

/// <summary>Targets for pack files (entry headers, inflation, delta chains) and for git deltas alone.</summary>
internal static class PackTargets
{
    private const int MaxObjects = 256;
    private const string Where = "fuzz pack";

    /// <summary>
    /// Opens a pack, checks its trailer, then reads its entries in order as git index-pack does:
    /// each header and zlib stream, resolving OFS_DELTA and REF_DELTA entries against the objects
    /// already read.
    /// </summary>
    public static void Pack(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        using var pack = PackFile.Open(ScratchFile.Write(input, ".pack"));
        _ = pack.VerifyTrailer();
        var byOffset = new Dictionary<long, (ObjectType Type, byte[] Data)>();
        var byId = new Dictionary<ObjectId, (ObjectType Type, byte[] Data)>();
        long offset = PackFile.HeaderLength;
        for (var i = 0; i < Math.Min(pack.Count, MaxObjects) && offset < pack.DataEnd; i++)
        {
            var header = pack.ReadHeader(offset);
            var data = pack.Inflate(offset, header);
            CheckDirectInflate(pack, offset, header, data);
            var resolved = Resolve(header, data, byOffset, byId, offset);
            byOffset[offset] = resolved;
            byId[ObjectHasher.Compute(resolved.Type, resolved.Data)] = resolved;
            offset += header.HeaderLength + CompressedLength(bytes, offset + header.HeaderLength, pack.DataEnd);
        }
    }

    /// <summary>
    /// The mount's path, one read straight into a buffer of the expected size, must agree with the
    /// general one: the same bytes for a whole blob, and a refusal for anything else or another size.
    /// </summary>
    private static void CheckDirectInflate(PackFile pack, long offset, PackObjectHeader header, byte[] data)
    {
        var direct = new byte[data.Length];
        var taken = pack.TryInflateBlobInto(offset, direct);
        if (taken && (header.Type != ObjectType.Blob || !direct.AsSpan().SequenceEqual(data)))
        {
            throw new InvalidOperationException($"direct inflate at {offset} disagrees with the general path");
        }

        if (pack.TryInflateBlobInto(offset, new byte[data.Length + 1]))
        {
            throw new InvalidOperationException($"direct inflate at {offset} accepted a wrong size");
        }
    }

    /// <summary>
    /// Applies a delta to a base: the input is a 4-byte big-endian base length, the base, then the
    /// delta (the corpus is cut from real git packs that way).
    /// </summary>
    public static void Delta(ReadOnlySpan<byte> input)
    {
        var baseLength = input.Length < 4 ? 0 : (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(input), (uint)(input.Length - 4));
        var rest = input.Length < 4 ? input : input[4..];
        _ = DeltaCodec.Apply(rest[..baseLength], rest[baseLength..], "fuzz delta");
    }

    private static (ObjectType Type, byte[] Data) Resolve(
        PackObjectHeader header,
        byte[] data,
        Dictionary<long, (ObjectType Type, byte[] Data)> byOffset,
        Dictionary<ObjectId, (ObjectType Type, byte[] Data)> byId,
        long offset)
    {
        (ObjectType Type, byte[] Data) source;
        switch (header.Type)
        {
            case ObjectType.OfsDelta when byOffset.TryGetValue(header.BaseOffset, out source):
            case ObjectType.RefDelta when byId.TryGetValue(header.BaseId, out source):
                return (source.Type, DeltaCodec.Apply(source.Data, data, Where));
            case ObjectType.OfsDelta or ObjectType.RefDelta:
                throw new CorruptObjectException(Where, "delta base is not an earlier entry", offset);
            default:
                return (header.Type, data);
        }
    }

    /// <summary>
    /// The length of the zlib stream at <paramref name="start"/>. PackFile inflates exactly the
    /// declared size and needs no more; walking to the next entry needs where the stream ends, which
    /// zlib reveals when fed one byte at a time.
    /// </summary>
    private static long CompressedLength(byte[] pack, long start, long end)
    {
        var source = new OneByteStream(pack, start, end);
        try
        {
            using var z = new ZLibStream(source, CompressionMode.Decompress, leaveOpen: true);
            z.CopyTo(Stream.Null);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptObjectException(Where, $"bad zlib data: {e.Message}", start);
        }

        return source.Consumed;
    }

    /// <summary>A read-only stream over part of an array that hands out one byte per read.</summary>
    private sealed class OneByteStream(byte[] data, long start, long end) : Stream
    {
        public long Consumed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Consumed; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty || start + Consumed >= end)
            {
                return 0;
            }

            buffer[0] = data[start + Consumed++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
