namespace TestSupport;

/// <summary>
/// A file whose chunks include two distinct blobs of the same size: bup cuts a long run of one byte
/// value into whole 32 KiB chunks (its largest blob), so 'A' runs and 'B' runs each give one such
/// blob. Swapping those two in an index keeps every size right, so only a check of the content
/// against its id can tell.
/// </summary>
public static class ChunkRuns
{
    /// <summary>bup's largest chunk.</summary>
    public const int ChunkSize = 32 * 1024;

    /// <summary>Random bytes, 100,000 'A', random bytes, 100,000 'B', random bytes.</summary>
    public static byte[] Content()
    {
        var random = new Random(11);
        byte[] Noise(int n)
        {
            var data = new byte[n];
            random.NextBytes(data);
            return data;
        }

        return [.. Noise(150_000), .. Run((byte)'A', 100_000), .. Noise(60_000), .. Run((byte)'B', 100_000), .. Noise(40_000)];
    }

    /// <summary><paramref name="length"/> copies of <paramref name="value"/>.</summary>
    public static byte[] Run(byte value, int length = ChunkSize) => Enumerable.Repeat(value, length).ToArray();

    /// <summary>The git id of blob <paramref name="content"/>.</summary>
    public static string BlobId(byte[] content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData([.. System.Text.Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
}
