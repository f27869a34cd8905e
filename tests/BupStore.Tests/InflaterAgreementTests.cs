using System.IO.Compression;
using System.Text;
using BupStore.Formats;
using BupStore.Tests.Support;

namespace BupStore.Tests;

/// <summary>
/// libdeflate (used where installed) and zlib must agree on every stream: the same bytes for a good
/// one, and a refusal from libdeflate wherever zlib finds the stream wrong for the size given, so
/// that zlib's verdict is the one reported.
/// </summary>
public sealed class InflaterAgreementTests
{
    private const string DebianLibrary = "/usr/lib/x86_64-linux-gnu/libdeflate.so.0";

    private static readonly byte[] Text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"row {i % 97}\n")));

    private static byte[] RandomBytes(int n, int seed)
    {
        var data = new byte[n];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static TheoryData<string> Cases => new(
        "text-fast", "text-best", "random-stored", "random-best", "empty", "bad-checksum", "bad-header",
        "cut-short", "size-plus-one", "size-minus-one", "trailing-bytes");

    // Each case: the zlib stream and the size the caller expects.
    private static (byte[] Zlib, int Size) Build(string name) => name switch
    {
        "text-fast" => (ZlibStreams.Deflate(Text, CompressionLevel.Fastest), Text.Length),
        "text-best" => (ZlibStreams.Deflate(Text, CompressionLevel.SmallestSize), Text.Length),
        "random-stored" => (ZlibStreams.Stored(RandomBytes(70_000, 1)), 70_000),
        "random-best" => (ZlibStreams.Deflate(RandomBytes(9_000, 2), CompressionLevel.SmallestSize), 9_000),
        "empty" => (ZlibStreams.Stored([]), 0),
        "bad-checksum" => Flip(ZlibStreams.Deflate(Text, CompressionLevel.Fastest), ^1),
        "bad-header" => Flip(ZlibStreams.Deflate(Text, CompressionLevel.Fastest), 0),
        "cut-short" => (ZlibStreams.Deflate(Text, CompressionLevel.Fastest)[..^10], Text.Length),
        "size-plus-one" => (ZlibStreams.Deflate(Text, CompressionLevel.Fastest), Text.Length + 1),
        "size-minus-one" => (ZlibStreams.Deflate(Text, CompressionLevel.Fastest), Text.Length - 1),
        "trailing-bytes" => ([.. ZlibStreams.Deflate(Text, CompressionLevel.Fastest), .. RandomBytes(300, 3)], Text.Length),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static (byte[], int) Flip(byte[] zlib, Index at)
    {
        zlib[at] ^= 0x21;
        return (zlib, Text.Length);
    }

    [Fact]
    public void LibDeflateIsUsedWhereInstalled()
    {
        if (!File.Exists(DebianLibrary))
        {
            Assert.Skip($"{DebianLibrary} is not installed (apt-get install libdeflate0): zlib alone inflates");
        }

        Assert.True(LibDeflateInflater.IsAvailable, "libdeflate0 is installed but was not loaded");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BothInflatersGiveTheSameVerdictAndBytes(string name)
    {
        var (zlib, size) = Build(name);
        var byZlib = new byte[size];
        var byLibDeflate = new byte[size];

        var status = ZlibInflater.InflateWithZlib(zlib, byZlib);
        var accepted = LibDeflateInflater.TryInflate(zlib, byLibDeflate);

        Assert.NotEqual(InflateStatus.Unavailable, status);
        if (LibDeflateInflater.IsAvailable)
        {
            Assert.Equal(status == InflateStatus.Complete, accepted);
        }

        if (status == InflateStatus.Complete && accepted)
        {
            Assert.Equal(byZlib, byLibDeflate);
        }

        Assert.Equal(status, ZlibInflater.Inflate(zlib, new byte[size]));
    }
}
