using BupStore.Formats;
using BupStore.Objects;
using BupStore.Tests.Support;
using Microsoft.Win32.SafeHandles;

namespace BupStore.Tests;

/// <summary>
/// The per-thread pack read window must hand back exactly the file's bytes whatever the pattern:
/// forward runs (served from a 128 KiB window), jumps back and forth, reads that cross the window's
/// end or the file's end, and two packs read in turn.
/// </summary>
public sealed class PackReadBufferTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bupfs-readbuf-").FullName;

    public PackReadBufferTests() => Directory.CreateDirectory(Path.Combine(_dir, "pack"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (PackFile Pack, SafeFileHandle Handle, byte[] Bytes) WritePack(int seed)
    {
        var rng = new Random(seed);
        var entries = Enumerable.Range(0, 60).Select(i =>
        {
            var data = new byte[rng.Next(1, 20_000)];
            rng.NextBytes(data);
            return (ObjectId.Parse((i + (seed * 1000)).ToString("x40")), (long)data.Length, ZlibStreams.Stored(data));
        });
        var path = BlobPacks.Write(_dir, entries);

        return (PackFile.Open(path), File.OpenHandle(path), File.ReadAllBytes(path));
    }

    [Fact]
    public void EveryReadPatternGivesTheFilesBytes()
    {
        var (pack, handle, bytes) = WritePack(1);
        using var _ = pack;
        using var __ = handle;
        var rng = new Random(2);
        long offset = 0;
        for (var k = 0; k < 3000; k++)
        {
            var count = rng.Next(0, 3) == 0 ? rng.Next(1, 40) : rng.Next(1, PackReadBuffer.WindowSize + 1);
            offset = rng.Next(0, 4) switch
            {
                0 => rng.NextInt64(bytes.Length), // a jump
                1 => Math.Max(0, offset - rng.Next(0, 5000)), // a little back
                _ => offset + rng.Next(0, 20_000), // forward, inside or past the last read
            };
            offset = Math.Min(offset, bytes.Length);
            var span = PackReadBuffer.Read(pack, handle, offset, count);
            var expected = (int)Math.Min(count, bytes.Length - offset);
            Assert.Equal(expected, span.Length);
            Assert.True(span.SequenceEqual(bytes.AsSpan((int)offset, expected)), $"read {k}: {count} at {offset}");
        }
    }

    [Fact]
    public void TwoPacksReadInTurnNeverMix()
    {
        var (a, ha, bytesA) = WritePack(3);
        var (b, hb, bytesB) = WritePack(4);
        using var _ = a;
        using var __ = b;
        using var ___ = ha;
        using var ____ = hb;
        for (var offset = 0; offset + 5000 < Math.Min(bytesA.Length, bytesB.Length); offset += 3000)
        {
            Assert.True(PackReadBuffer.Read(a, ha, offset, 5000).SequenceEqual(bytesA.AsSpan(offset, 5000)));
            Assert.True(PackReadBuffer.Read(b, hb, offset, 5000).SequenceEqual(bytesB.AsSpan(offset, 5000)));
        }
    }

    [Fact]
    public void AReadAheadOfTheRunDoesNotEvictItsWindow()
    {
        var (pack, handle, bytes) = WritePack(5);
        using var _ = pack;
        using var __ = handle;
        Assert.True(bytes.Length > 3 * PackReadBuffer.WindowSize, "the pack must hold more than the reads below");

        // A run of small reads (chunks), as a mount reads them: from the third on, one window.
        long offset = PackFile.HeaderLength;
        for (var k = 0; k < 3; k++, offset += 1000)
        {
            Assert.True(PackReadBuffer.Read(pack, handle, offset, 1000).SequenceEqual(bytes.AsSpan((int)offset, 1000)));
        }

        var before = PackReadBuffer.BytesFetchedOnThisThread;

        // A chunk tree written after its chunks, then the chunks again: the tree is read alone, and the
        // chunks still come from the window fetched above.
        var tree = offset + 150_000;
        Assert.True(PackReadBuffer.Read(pack, handle, tree, 500).SequenceEqual(bytes.AsSpan((int)tree, 500)));
        for (var k = 0; k < 20; k++, offset += 1000)
        {
            Assert.True(PackReadBuffer.Read(pack, handle, offset, 1000).SequenceEqual(bytes.AsSpan((int)offset, 1000)));
        }

        Assert.Equal(500, PackReadBuffer.BytesFetchedOnThisThread - before);
    }
}
