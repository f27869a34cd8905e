using System.Buffers;
using BupStore.Formats;

namespace BupStore.Tests;

/// <summary>Metadata objects: the worked examples of docs/formats/bupm.md byte for byte, legacy and unknown tags, damage.</summary>
public sealed class BupMetadataTests
{
    private const string RegularFileHex =
        "0a27a48604a80f05616c696365a80f05616c69636500"
        + "80c49fd50c0580c49fd50c0541ff93ebdc030c00";

    private const string SymlinkHex = "0a0f bf8705 0000000000 000000000000 09 0309 68656c6c6f2e747874 00";

    private const string DirectoryHex =
        "010a09736f6d652f70617468"
        + "0a17ad87020004726f6f740004726f6f7400000000000000 41"
        + "0b1006753a3a72777806753a3a7277780000"
        + "0603808020"
        + "070a0106757365722e610131"
        + "00";

    [Fact]
    public void RegularFileExampleEncodesByteForByte()
    {
        var metadata = RegularFile();
        Assert.Equal(RegularFileHex, Convert.ToHexStringLower(metadata.Encode()));
        Assert.Equal(metadata, BupMetadata.Decode(Hex(RegularFileHex), "t"));
    }

    [Fact]
    public void SymlinkExampleEncodesByteForByte()
    {
        var metadata = new BupMetadata { Mode = 0xA1FF, Size = 9, SymlinkTarget = "hello.txt"u8.ToArray() };
        Assert.Equal(Clean(SymlinkHex), Convert.ToHexStringLower(metadata.Encode()));
        var decoded = BupMetadata.Decode(Hex(SymlinkHex), "t")!;
        Assert.Equal(metadata, decoded);
        Assert.Equal(PosixFileType.Symlink, decoded.FileType);
    }

    [Fact]
    public void DirectoryExampleWithEveryRecordEncodesByteForByte()
    {
        var metadata = DirectoryWithEverything();
        Assert.Equal(Clean(DirectoryHex), Convert.ToHexStringLower(metadata.Encode(includePath: true)));
        Assert.Equal(metadata, BupMetadata.Decode(Hex(DirectoryHex), "t"));
    }

    [Fact]
    public void PathIsNeverWrittenUnlessAsked()
    {
        var withoutPath = Convert.ToHexStringLower(DirectoryWithEverything().Encode());
        Assert.Equal(Clean(DirectoryHex)["010a09736f6d652f70617468".Length..], withoutPath);
    }

    [Fact]
    public void EmptyObjectDecodesToNullAndEmptyMetadataEncodesToIt()
    {
        Assert.Null(BupMetadata.Decode([0x00], "t"));
        Assert.Equal([0x00], new BupMetadata().Encode());
        Assert.Equal([0x00], BupMetadata.EmptyEncoding.ToArray());
    }

    [Fact]
    public void AbsentPartsAreOmittedAsBupDoes()
    {
        var metadata = RegularFile();
        metadata.SymlinkTarget = [];
        metadata.HardlinkTarget = [];
        metadata.LinuxAttr = 0;
        metadata.Xattrs = [];
        Assert.Equal(RegularFileHex, Convert.ToHexStringLower(metadata.Encode()));
    }

    [Fact]
    public void HardlinkTargetFollowsSymlinkTargetAndPrecedesAcl()
    {
        var metadata = new BupMetadata
        {
            Mode = 0x81A4,
            HardlinkTarget = "/a"u8.ToArray(),
            Acl = new PosixAcl("x"u8.ToArray(), "y"u8.ToArray()),
        };
        var hex = Convert.ToHexStringLower(metadata.Encode());
        Assert.EndsWith("08022f61" + "0b06017801790000" + "00", hex, StringComparison.Ordinal);
    }

    [Fact]
    public void LegacyCommonV1AndV2AreRead()
    {
        var v1 = Payload(w =>
        {
            VInt.WriteVuint(w, 0x81A4);
            VInt.WriteVuint(w, 1000);
            VInt.WriteBvec(w, "u"u8);
            VInt.WriteVuint(w, 100);
            VInt.WriteBvec(w, "g"u8);
            VInt.WriteVint(w, 0);
            WriteTimes(w);
        });
        var fromV1 = BupMetadata.Decode(Object((2, v1)), "t")!;
        Assert.Equal((0x81A4u, 1000L, 100L, (long?)null), (fromV1.Mode, fromV1.Uid, fromV1.Gid, fromV1.Size));
        Assert.Equal(new BupTimespec(-5, 7), fromV1.Ctime);

        var v2 = Payload(w =>
        {
            VInt.WriteVint(w, 0x41ED);
            VInt.WriteVint(w, 0);
            VInt.WriteBvec(w, "root"u8);
            VInt.WriteVint(w, 0);
            VInt.WriteBvec(w, "root"u8);
            VInt.WriteVint(w, 0);
            WriteTimes(w);
        });
        var fromV2 = BupMetadata.Decode(Object((9, v2)), "t")!;
        Assert.Equal((PosixFileType.Directory, (long?)null), (fromV2.FileType, fromV2.Size));
        Assert.Equal("root"u8.ToArray(), fromV2.Group);
    }

    [Fact]
    public void LegacyAclV1NewlinesBecomeCommas()
    {
        var acl = Payload(w =>
        {
            VInt.WriteBvec(w, "u::rw-\ng::r--"u8);
            VInt.WriteBvec(w, "u::rw-\ng::r--"u8);
            VInt.WriteBvec(w, ""u8);
            VInt.WriteBvec(w, "ignored"u8);
        });
        var decoded = BupMetadata.Decode(Object((4, acl)), "t")!;
        Assert.Equal("u::rw-,g::r--"u8.ToArray(), decoded.Acl!.Access);
        Assert.False(decoded.Acl.HasDefault);
        Assert.Empty(decoded.Acl.DefaultNumeric);

        var withComma = Payload(w =>
        {
            VInt.WriteBvec(w, "u::rw-,g::r--"u8);
            VInt.WriteBvec(w, "x"u8);
            VInt.WriteBvec(w, ""u8);
            VInt.WriteBvec(w, ""u8);
        });
        Assert.Null(BupMetadata.Decode(Object((4, withComma)), "t")!.Acl);
    }

    [Fact]
    public void UnknownTagsAreSkipped()
    {
        var bytes = Object((5, [1, 2, 3]), (99, [9]), (10, Hex(RegularFileHex)[2..^1]), (200, []));
        Assert.Equal(RegularFile(), BupMetadata.Decode(bytes, "t"));
    }

    [Fact]
    public void SymlinkTargetSuppliesAMissingSize()
    {
        var bytes = Object((3, "abc"u8.ToArray()));
        var decoded = BupMetadata.Decode(bytes, "t")!;
        Assert.Equal(3, decoded.Size);
        Assert.Equal(0u, decoded.Mode);
    }

    [Theory]
    [InlineData("0a", "end tag")]
    [InlineData("0a27a48604", "runs past the end")]
    [InlineData("030568656c6c6f", "end tag")]
    [InlineData("0a0fbf8705" + "0000000000" + "000000000000" + "07" + "03026865" + "00", "size 7")]
    [InlineData("0702ff01" + "00", "xattr count")]
    [InlineData("07020300" + "00", "xattr count")]
    [InlineData("0605ffffffff1f00", "32 bits")]
    public void DamagedObjectsAreCorrupt(string hex, string reason)
    {
        var e = Assert.Throws<CorruptObjectException>(() => BupMetadata.Decode(Hex(hex), "obj"));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal("obj", e.Where);
    }

    [Fact]
    public void NanosecondsOutOfRangeAreCorruptAndUnencodable()
    {
        var good = RegularFile().Encode();
        var bad = Object((10, Payload(w =>
        {
            VInt.WriteVint(w, 0x81A4);
            VInt.WriteVint(w, 0);
            VInt.WriteBvec(w, ""u8);
            VInt.WriteVint(w, 0);
            VInt.WriteBvec(w, ""u8);
            VInt.WriteVint(w, 0);
            VInt.WriteVint(w, 0);
            VInt.WriteVuint(w, 1_000_000_000);
        })));
        Assert.NotNull(BupMetadata.Decode(good, "t"));
        Assert.Throws<CorruptObjectException>(() => BupMetadata.Decode(bad, "t"));
        var metadata = RegularFile();
        metadata.Mtime = new BupTimespec(0, 1_000_000_000);
        Assert.Throws<InvalidOperationException>(() => metadata.Encode());
    }

    [Fact]
    public void TrailingBytesAfterTheObjectAreCorruptForSingleDecode()
    {
        var e = Assert.Throws<CorruptObjectException>(() => BupMetadata.Decode([0x00, 0x00], "t"));
        Assert.Equal(1, e.Offset);
    }

    [Fact]
    public void ErrorOffsetsAreAbsoluteInsideNestedRecords()
    {
        // common v3 record of 2 bytes whose vint is truncated at absolute offset 3.
        var e = Assert.Throws<CorruptObjectException>(() => BupMetadata.Decode(Hex("0a02a48600"), "t"));
        Assert.Equal(2, e.Offset);
    }

    [Fact]
    public void EncoderRefusesValuesBupCannotEncode()
    {
        var metadata = RegularFile();
        metadata.Size = 1L << 55;
        Assert.Throws<ArgumentOutOfRangeException>(() => metadata.Encode());
    }

    [Fact]
    public void TimespecSplitsWithFloorSemantics()
    {
        Assert.Equal(new BupTimespec(-1, 999_999_999), BupTimespec.FromUnixNanoseconds(-1));
        Assert.Equal(new BupTimespec(1700000000, 5), BupTimespec.FromUnixNanoseconds(1_700_000_000_000_000_005));
        Assert.Equal(new BupTimespec(-2, 0), BupTimespec.FromUnixNanoseconds(-2_000_000_000));
        Assert.Equal((Int128)(-1), new BupTimespec(-1, 999_999_999).ToUnixNanoseconds());
    }

    [Fact]
    public void SameFileIgnoresModePathAndAtimeButEqualsDoesNot()
    {
        var a = RegularFile();
        var b = a.Clone();
        b.Atime = new BupTimespec(1, 0);
        Assert.True(a.SameFile(b));
        Assert.NotEqual(a, b);
        b.Xattrs = [new ExtendedAttribute("user.x"u8.ToArray(), [])];
        Assert.False(a.SameFile(b));
    }

    internal static BupMetadata RegularFile() => new()
    {
        Mode = 0x81A4,
        Uid = 1000,
        Gid = 1000,
        User = "alice"u8.ToArray(),
        Group = "alice"u8.ToArray(),
        Atime = new BupTimespec(1700000000, 5),
        Mtime = new BupTimespec(1700000000, 5),
        Ctime = new BupTimespec(-1, 999_999_999),
        Size = 12,
    };

    internal static BupMetadata DirectoryWithEverything() => new()
    {
        Path = "some/path"u8.ToArray(),
        Mode = 0x41ED,
        User = "root"u8.ToArray(),
        Group = "root"u8.ToArray(),
        Acl = new PosixAcl("u::rwx"u8.ToArray(), "u::rwx"u8.ToArray()),
        LinuxAttr = 0x80000,
        Xattrs = [new ExtendedAttribute("user.a"u8.ToArray(), "1"u8.ToArray())],
    };

    internal static byte[] Hex(string hex) => Convert.FromHexString(Clean(hex));

    private static string Clean(string hex) => hex.Replace(" ", "", StringComparison.Ordinal);

    private static void WriteTimes(IBufferWriter<byte> w)
    {
        VInt.WriteVint(w, 1);
        VInt.WriteVuint(w, 2);
        VInt.WriteVint(w, 3);
        VInt.WriteVuint(w, 4);
        VInt.WriteVint(w, -5);
        VInt.WriteVuint(w, 7);
    }

    private static byte[] Payload(Action<IBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] Object(params (ulong Tag, byte[] Payload)[] records) => Payload(w =>
    {
        foreach (var (tag, payload) in records)
        {
            VInt.WriteVuint(w, tag);
            VInt.WriteBvec(w, payload);
        }

        VInt.WriteVuint(w, 0);
    });
}
