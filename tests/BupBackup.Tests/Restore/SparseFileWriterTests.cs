using BupBackup.Posix;
using BupBackup.Restore;
using Mono.Unix.Native;

namespace BupBackup.Tests.Restore;

/// <summary>Content written by <see cref="SparseFileWriter"/>: byte-exact, with holes where whole blocks are zero.</summary>
public sealed class SparseFileWriterTests : IDisposable
{
    private const int Block = SparseFileWriter.BlockSize;
    private readonly TempDirectory _scratch = new("sparse");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Block - 1)]
    [InlineData(3 * Block)]
    [InlineData((3 * Block) + 17)]
    [InlineData((1 << 20) + 5)]
    public void ContentIsByteExactWhateverTheShape(int size)
    {
        var data = new byte[size];
        var random = new Random(size);
        for (var i = 0; i < size; i += Block * 2)
        {
            // Every other block holds data, with zeros inside it; the rest are zero blocks.
            random.NextBytes(data.AsSpan(i, Math.Min(Block / 2, size - i)));
        }

        Assert.Equal(data, WriteAndRead(data, sparse: true));
        Assert.Equal(data, WriteAndRead(data, sparse: false));
    }

    [Fact]
    public void ZeroBlocksBecomeHolesIncludingATrailingRun()
    {
        var data = new byte[64 * Block];
        data[0] = 1;                         // first block: data
        data[(32 * Block) + 100] = 2;        // one block in the middle
        var path = Write(data, sparse: true);

        Assert.Equal(data.Length, Stat(path).st_size);
        Assert.True(Stat(path).st_blocks * 512 <= 4 * Block, $"{Stat(path).st_blocks} blocks allocated");
        Assert.Equal(data, Read(path));
    }

    [Fact]
    public void WithoutSparseEveryBlockIsWritten()
    {
        var path = Write(new byte[64 * Block], sparse: false);

        Assert.True(Stat(path).st_blocks * 512 >= 64 * Block);
    }

    public void Dispose() => _scratch.Dispose();

    private byte[] WriteAndRead(byte[] data, bool sparse) => Read(Write(data, sparse));

    private string Write(byte[] data, bool sparse)
    {
        var path = Path.Combine(_scratch.Path, Guid.NewGuid().ToString("N"));
        using var handle = PosixFiles.CreateExclusive(System.Text.Encoding.UTF8.GetBytes(path), 0x1A4);
        Assert.Equal(data.Length, SparseFileWriter.Copy(new MemoryStream(data), handle, sparse));
        return path;
    }

    private static byte[] Read(string path) => File.ReadAllBytes(path);

    private static Stat Stat(string path) => Syscall.stat(path, out var stat) == 0 ? stat : throw new IOException(path);
}
