using System.Security.Cryptography;
using System.Text;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Tests.Support;

namespace BupStore.Tests;

/// <summary>Chunk boundaries, levels and fanout trees against bup 0.33's own results (docs/formats/hashsplit.md, "Test vectors").</summary>
public class HashSplitterTests
{
    [Theory]
    [InlineData("r1m.bin", 145, "1f82a1071a2736423bfec45e2c652fddce66cdec", "4b56d64d569a436b0507e954c7e63283424ed907")]
    [InlineData("r20m.bin", 2522, "3b6080d94b46742db5552f9911b4fe2af59dc2ad", "6c8061f45b4c63a5682900ff5665e2d77a02d1b4")]
    [InlineData("z100k.bin", 4, "8df0c62d4c809fe7500c0143cba3c242d0100f01", "198e33e995a34ca1701bd035c351ede6c1de4ff0")]
    [InlineData("z10m.bin", 320, "4d6f714e65f855be2a021977b00857489a786536", "63c9f86bcdd4b44648c699e105902200f5fe19ad")]
    [InlineData("mixed.bin", 41, "93682a23d47d7adfbf3bb5023be92466d659ae47", "2120c3c6c272ded29a2b4e1d099f16b2c262f90a")]
    [InlineData("quirk.bin", 3, "1cbabbb796b60e48b39ccc2b0a19baefaf518545", "bbc4c6a220867e663ed1313bc9eb2e531665cdbe")]
    [InlineData("quirkcat.bin", 148, "d148a516b0e754f2e02b13fbe36b1a77bcd29f5f", "2bad26c7bb39bcf569dc7f46b18a1e5cf8798ad8")]
    [InlineData("blockquirk.bin", 1078, "10fb92b84d113b3adba4f561723b7e9c2bfa2622", "a29b293127c6da8cf976488e72b4f7cf156961c3")]
    public void SplitMatchesBupVectors(string name, int count, string blobListSha1, string treeId)
    {
        var (chunks, tree) = IdOnlySplit.Run([TestData.Named(name)]);
        Assert.Equal(count, chunks.Count);
        var listing = string.Concat(chunks.Select(c => c.Id + "\n"));
        Assert.Equal(blobListSha1, Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes(listing))));
        Assert.Equal(treeId, tree.FinishTree().ToString());
    }

    [Fact]
    public void EmptyInputGivesEmptyTree()
    {
        var (chunks, tree) = IdOnlySplit.Run([[]]);
        Assert.Empty(chunks);
        Assert.Equal(ObjectId.EmptyTree, tree.FinishTree());
    }

    [Fact]
    public void R1mChunkDetail()
    {
        var (chunks, _) = IdOnlySplit.Run([TestData.R1m]);
        Assert.Equal((0L, 20377, 0, ObjectId.Parse("f91ce96eb4e089ae21e7337486a7b7a3c080a60c")), chunks[0]);
        Assert.Equal((20377L, 17665, 1, ObjectId.Parse("71afb4a2c5687ecf90893480de2a4b327cad4e3f")), chunks[1]);
        Assert.Equal((99555L, 4338, 0, ObjectId.Parse("37aea5d0fcda6b561a8d6b79f6e1b210c099779e")), chunks[11]);
        long[] level1 = [20377, 251556, 370225, 432877, 513773, 567245, 664436, 688966, 694112, 723062, 856087, 871664, 929878];
        Assert.Equal(level1, chunks.Where(c => c.Level == 1).Select(c => c.Offset));
    }

    [Fact]
    public void R20mLevels()
    {
        var (chunks, _) = IdOnlySplit.Run([TestData.R20m]);
        Assert.Equal(2331, chunks.Count(c => c.Level == 0));
        Assert.Equal(178, chunks.Count(c => c.Level == 1));
        Assert.Equal(13, chunks.Count(c => c.Level == 2));
        var first2 = chunks.First(c => c.Level == 2);
        Assert.Equal((1346767L, 14923), (first2.Offset, first2.Length));
    }

    [Fact]
    public void QuirkCuts()
    {
        var (quirk, _) = IdOnlySplit.Run([TestData.Quirk]);
        Assert.Equal([32768, 32768, 4464], quirk.Select(c => c.Length));
        var (cat, _) = IdOnlySplit.Run([TestData.QuirkCat]);
        Assert.Equal([32768, 14, 32768], cat.Take(3).Select(c => c.Length));
        Assert.Equal("aade5444b49f52b4bd7ba2887796dd2c1b0e6ea2", cat[1].Id.ToString());
    }

    [Fact]
    public void FanoutFourAndMultipleFiles()
    {
        Assert.Equal("76e360d3c1f1e821e849f926a128b86f1e110bab", IdOnlySplit.Run([TestData.R1m], fanBits: 2).Tree.FinishTree().ToString());
        Assert.Equal("45a6e4537991da89259537d402308872c4322ed0", IdOnlySplit.Run([TestData.Zeros(100_000), TestData.R1m]).Tree.FinishTree().ToString());
        Assert.Equal("64fbf5e9b11801bc5694a26aa03259147147f74b", IdOnlySplit.Run([TestData.Quirk, TestData.R1m]).Tree.FinishTree().ToString());
    }

    [Fact]
    public void SmallFileBlobOrTree()
    {
        var hello = "hello\n"u8.ToArray();
        Assert.Equal("c2c6852a36806dc8ffcd0830864e17e4f2d44592", IdOnlySplit.Run([hello]).Tree.FinishTree().ToString());
        var (mode, id) = IdOnlySplit.Run([hello]).Tree.FinishBlobOrTree();
        Assert.Equal((GitFileMode.Regular, "ce013625030ba8dba906f756967f9e9ca394464a"), (mode, id.ToString()));
    }

    [Fact]
    public void MatchesReferenceRollsumOnRandomInputs()
    {
        // The optimised splitter must cut exactly where a literal transcription of bup's loop does.
        var rng = new Random(7);
        for (var round = 0; round < 20; round++)
        {
            var data = RandomMix(rng, rng.Next(1, 300_000));
            var fast = IdOnlySplit.Run([data]).Chunks.Select(c => (c.Length, c.Level)).ToList();
            Assert.Equal(ReferenceSplit.Cuts(data, HashSplitter.ReadSize > data.Length ? data.Length : HashSplitter.ReadSize), fast);
        }
    }

    private static byte[] RandomMix(Random rng, int n)
    {
        var data = new byte[n];
        for (var pos = 0; pos < n;)
        {
            var run = Math.Min(n - pos, rng.Next(1, 70_000));
            switch (rng.Next(3))
            {
                case 0: rng.NextBytes(data.AsSpan(pos, run)); break;
                case 1: break;
                default: data.AsSpan(pos, run).Fill((byte)rng.Next(256)); break;
            }

            pos += run;
        }

        return data;
    }

    [Theory]
    [InlineData(0u, 0x07C0E840u)]
    public void RollingSumFreshDigest(uint unused, uint expected)
    {
        _ = unused;
        Assert.Equal(expected, new RollingSum().Digest);
    }

    [Theory]
    [InlineData("a", 0x0821E8A1u)]
    [InlineData("abc", 0x08E6EA8Au)]
    public void RollingSumVectors(string input, uint digest)
    {
        var r = new RollingSum();
        foreach (var b in Encoding.ASCII.GetBytes(input))
        {
            r.Roll(b);
        }

        Assert.Equal(digest, r.Digest);
    }

    [Fact]
    public void RollingSumLongVectors()
    {
        var r = new RollingSum();
        for (var i = 0; i < 256; i++)
        {
            r.Roll((byte)i);
        }

        Assert.Equal(0x3FA0AAE0u, r.Digest);
        var f = new RollingSum();
        for (var i = 0; i < 100; i++)
        {
            f.Roll(0xFF);
        }

        Assert.Equal(0x47800020u, f.Digest);
    }

    [Theory]
    [InlineData(0x25C3DFFFu, 17)]
    [InlineData(0x22B17FFFu, 14)]
    public void LevelBitsSkipBit13(uint digest, int bits) => Assert.Equal(bits, HashSplitter.Bits(digest));
}
