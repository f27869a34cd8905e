using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>Many host threads at once: lookups, listings, forgets and reads against one view.</summary>
[Collection(SavedTreeCollection.Name)]
public sealed class ConcurrencyTests(SavedTree tree)
{
    [Fact]
    public void ParallelRequestsGiveTheSameAnswersAsSerialOnes()
    {
        var (repository, fs) = tree.Open(new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, CacheSizeLimit = 400_000, RetainedIdleNodes = 20 });
        using var _ = repository;
        using var __ = fs;
        var expected = File.ReadAllBytes(Path.Combine(tree.Source, "big.bin"));
        var directory = tree.SavePath("");
        var d1Count = tree.Entries.Count(e => e.Parent.AsSpan().SequenceEqual("d1"u8));
        Parallel.For(0, 8, worker =>
        {
            var random = new Random(worker);
            var buffer = new byte[50_000];
            for (var round = 0; round < 40; round++)
            {
                var dir = fs.Resolve(directory).Inode;
                var big = fs.Lookup(dir, "big.bin"u8);
                var handle = fs.Open(big.Inode, OpenFlags.Read);
                var offset = random.NextInt64(expected.Length);
                var n = fs.Read(handle, buffer, offset);
                Assert.True(expected.AsSpan((int)offset, n).SequenceEqual(buffer.AsSpan(0, n)));
                fs.Release(handle);
                fs.Forget(big.Inode, 1);
                Assert.Equal(d1Count, fs.ReadDirectory(fs.Lookup(dir, "d1"u8).Inode).Count);
                Assert.Equal(3u, fs.Lookup(dir, "hard1"u8).LinkCount);
            }
        });
    }
}
