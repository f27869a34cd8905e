using System.Security.Cryptography;
using System.Text;
using BupStore.Objects;

namespace BupStore.Tests;

/// <summary>
/// Object ids are computed by libcrypto's SHA1 functions where they bind and by .NET's hash
/// otherwise: both must give git's ids, for every size a chunk or an object can have.
/// </summary>
public sealed class ObjectHasherTests
{
    public static TheoryData<int> Sizes => new(0, 1, 51, 52, 53, 55, 56, 63, 64, 65, 119, 8191, 8192, 65_536, 1_000_003);

    [Fact]
    public void LibCryptoIsUsedOnLinux()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("BUP_NO_LIBCRYPTO_SHA1") == "1")
        {
            Assert.Skip("libcrypto's SHA1 functions are only bound on Linux, unless disabled");
        }

        Assert.True(LibCryptoSha1.IsAvailable, "libcrypto is where .NET's own cryptography loads it from, yet was not bound");
    }

    [Fact]
    public void KnownIdOfGitsEmptyBlobAndHello()
    {
        Assert.Equal("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", ObjectHasher.Compute(ObjectType.Blob, []).ToString());
        Assert.Equal("ce013625030ba8dba906f756967f9e9ca394464a", ObjectHasher.Compute(ObjectType.Blob, Encoding.ASCII.GetBytes("hello\n")).ToString());
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void NativeAndManagedHashesAgree(int size)
    {
        var content = new byte[size];
        new Random(size).NextBytes(content);
        var header = Encoding.ASCII.GetBytes($"blob {size}\0");
        var expected = SHA1.HashData([.. header, .. content]);

        var native = new byte[ObjectId.Size];
        if (LibCryptoSha1.TryHash(header, content, native))
        {
            Assert.Equal(expected, native);
        }

        Assert.Equal(ObjectId.FromBytes(expected), ObjectHasher.Compute(ObjectType.Blob, content));
    }
}
