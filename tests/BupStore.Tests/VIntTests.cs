using System.Buffers;
using BupStore.Formats;

namespace BupStore.Tests;

/// <summary>vuint/vint/bvec against the table in docs/formats/bupm.md, "vuint, vint and bvec", bounds and malformed input.</summary>
public sealed class VIntTests
{
    // The table of docs/formats/bupm.md (encoded by bup's own vint.py); null = no vuint column.
    public static TheoryData<long, string, string?> Vectors => new()
    {
        { 0, "00", "00" },
        { 1, "01", "01" },
        { 63, "3f", "3f" },
        { 64, "8001", "40" },
        { 127, "bf01", "7f" },
        { 128, "8002", "8001" },
        { 8191, "bf7f", "ff3f" },
        { -1, "41", null },
        { -63, "7f", null },
        { -64, "c001", null },
        { -65, "c101", null },
        { 1700000000, "80c49fd50c", "80e2cfaa06" },
        { -1700000000, "c0c49fd50c", null },
        { 33188, "a48604", null },
        { 16877, "ad8702", null },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void VintMatchesTheSpecTable(long value, string vint, string? vuint)
    {
        _ = vuint;
        Span<byte> buffer = stackalloc byte[VInt.MaxVintLength];
        var length = VInt.WriteVint(buffer, value);
        Assert.Equal(vint, Convert.ToHexStringLower(buffer[..length]));
        Assert.Equal(length, VInt.VintLength(value));
        var position = 0;
        Assert.Equal(value, VInt.ReadVint(Convert.FromHexString(vint), ref position, "t"));
        Assert.Equal(length, position);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void VuintMatchesTheSpecTable(long value, string vint, string? vuint)
    {
        _ = vint;
        if (vuint is null)
        {
            return;
        }

        Span<byte> buffer = stackalloc byte[VInt.MaxVuintLength];
        var length = VInt.WriteVuint(buffer, (ulong)value);
        Assert.Equal(vuint, Convert.ToHexStringLower(buffer[..length]));
        var position = 0;
        Assert.Equal((ulong)value, VInt.ReadVuint(Convert.FromHexString(vuint), ref position, "t"));
    }

    [Fact]
    public void RandomValuesRoundTripThroughSpansAndStreams()
    {
        var random = new Random(1234);
        for (var i = 0; i < 20000; i++)
        {
            var bits = random.Next(0, 56);
            var magnitude = bits == 0 ? 0 : (long)(random.NextInt64() & ((1L << bits) - 1));
            var value = random.Next(2) == 0 ? magnitude : -magnitude;
            AssertRoundTrip(value);
        }
    }

    [Fact]
    public void EncodersRefuseWhatBupCannotReEncode()
    {
        Span<byte> buffer = stackalloc byte[16];
        Assert.Equal(8, VInt.WriteVuint(buffer, VInt.MaxVuint));
        Assert.Equal("ffffffffffffff7f", Convert.ToHexStringLower(buffer[..8]));
        Assert.Equal(8, VInt.WriteVint(buffer, -VInt.MaxVintMagnitude));
        Assert.Equal("ffffffffffffff7f", Convert.ToHexStringLower(buffer[..8]));
        var thrown = new List<Exception?>
        {
            Record.Exception(() => VInt.WriteVuint(new byte[16], VInt.MaxVuint + 1)),
            Record.Exception(() => VInt.WriteVint(new byte[16], VInt.MaxVintMagnitude + 1)),
            Record.Exception(() => VInt.WriteVint(new byte[16], -VInt.MaxVintMagnitude - 1)),
            Record.Exception(() => VInt.WriteVint(new byte[16], long.MinValue)),
            Record.Exception(() => VInt.WriteVuint(new ArrayBufferWriter<byte>(), ulong.MaxValue)),
        };
        Assert.All(thrown, e => Assert.IsType<ArgumentOutOfRangeException>(e));
    }

    [Fact]
    public void DecodersAcceptTheLargestSixtyThreeBitValues()
    {
        var position = 0;
        Assert.Equal((ulong)long.MaxValue, VInt.ReadVuint(Convert.FromHexString("ffffffffffffffff7f"), ref position, "t"));
        position = 0;
        Assert.Equal(long.MaxValue, VInt.ReadVint(Convert.FromHexString("bfffffffffffffffff01"), ref position, "t"));
        position = 0;
        Assert.Equal(-long.MaxValue, VInt.ReadVint(Convert.FromHexString("ffffffffffffffffff01"), ref position, "t"));
        position = 0;
        Assert.Equal(0, VInt.ReadVint([0x40], ref position, "t")); // bup reads "negative zero" as 0
    }

    [Theory]
    [InlineData("", "truncated")]
    [InlineData("80", "truncated")]
    [InlineData("ffff", "truncated")]
    [InlineData("8000", "non-minimal")]
    [InlineData("ff8000", "non-minimal")]
    [InlineData("ffffffffffffffffff01", "longer than 9")]
    [InlineData("80808080808080808001", "longer than 9")]
    public void MalformedVuintsAreCorrupt(string hex, string reason)
    {
        var e = Assert.Throws<CorruptObjectException>(() =>
        {
            var position = 0;
            VInt.ReadVuint(Convert.FromHexString(hex), ref position, "obj", 100);
        });
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal("obj", e.Where);
        Assert.Equal(100, e.Offset);
    }

    [Theory]
    [InlineData("", "truncated")]
    [InlineData("c0", "truncated")]
    [InlineData("8000", "non-minimal")]
    [InlineData("bfffffffffffffffff02", "2^63")]
    [InlineData("bfffffffffffffffff7f", "2^63")]
    [InlineData("bfffffffffffffffffff01", "longer than 10")]
    public void MalformedVintsAreCorrupt(string hex, string reason)
    {
        var e = Assert.Throws<CorruptObjectException>(() =>
        {
            var position = 0;
            VInt.ReadVint(Convert.FromHexString(hex), ref position, "obj");
        });
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BvecLengthsAreCheckedAgainstTheBuffer()
    {
        var position = 0;
        Assert.Equal("abc"u8.ToArray(), VInt.ReadBvec("\u0003abcd"u8, ref position, "t").ToArray());
        Assert.Equal(4, position);
        position = 0;
        var e = Assert.Throws<CorruptObjectException>(() => VInt.ReadBvec("\u0004abc"u8, ref position, "t"));
        Assert.Contains("runs past the end", e.Message, StringComparison.Ordinal);
        position = 0;
        Assert.Throws<CorruptObjectException>(() => VInt.ReadBvec(Convert.FromHexString("ffffffffffffffff7f00"), ref position, "t"));
    }

    [Fact]
    public void StreamReadersDistinguishCleanEndFromTruncation()
    {
        Assert.False(VInt.TryReadVuint(new MemoryStream([]), "t", out _));
        Assert.True(VInt.TryReadVuint(new MemoryStream([0x80, 0x01]), "t", out var value));
        Assert.Equal(128UL, value);
        Assert.Throws<CorruptObjectException>(() => VInt.TryReadVuint(new MemoryStream([0x80]), "t", out _));
        Assert.Throws<CorruptObjectException>(() => VInt.ReadVint(new MemoryStream([]), "t"));
        var e = Assert.Throws<CorruptObjectException>(() => VInt.ReadVuint(new MemoryStream([0x80, 0x00]), "t"));
        Assert.Contains("non-minimal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamBvecWithALyingLengthFailsWithoutAHugeAllocation()
    {
        // Claims ~2^50 bytes but holds three: must be rejected by the limit or by the missing bytes.
        var data = new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 1, 2, 3 };
        Assert.Throws<CorruptObjectException>(() => VInt.ReadBvec(new MemoryStream(data), "t"));
        var claimsMillion = new byte[] { 0xc0, 0x84, 0x3d, 1, 2, 3 }; // 1,000,000
        var e = Assert.Throws<CorruptObjectException>(() => VInt.ReadBvec(new NonSeekable(claimsMillion), "t"));
        Assert.Contains("ends after 3", e.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], VInt.ReadBvec(new NonSeekable([3, 1, 2, 3]), "t"));
    }

    private static void AssertRoundTrip(long value)
    {
        var writer = new ArrayBufferWriter<byte>();
        VInt.WriteVint(writer, value);
        VInt.WriteVuint(writer, (ulong)Math.Abs(value));
        VInt.WriteBvec(writer, BitConverter.GetBytes(value));
        var reader = new VIntReader(writer.WrittenSpan, "t");
        Assert.Equal(value, reader.ReadVint());
        Assert.Equal((ulong)Math.Abs(value), reader.ReadVuint());
        Assert.Equal(BitConverter.GetBytes(value), reader.ReadBvec().ToArray());
        Assert.True(reader.IsAtEnd);

        var stream = new MemoryStream();
        VInt.WriteVint(stream, value);
        VInt.WriteVuint(stream, (ulong)Math.Abs(value));
        Assert.Equal(writer.WrittenSpan[..(int)stream.Length].ToArray(), stream.ToArray());
        stream.Position = 0;
        Assert.Equal(value, VInt.ReadVint(stream, "t"));
        Assert.Equal((ulong)Math.Abs(value), VInt.ReadVuint(stream, "t"));
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
