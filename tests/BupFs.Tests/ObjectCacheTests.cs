using BupFs.Caching;
using BupStore.Objects;
using StoreRepository = BupStore.Repository.Repository;

namespace BupFs.Tests;

/// <summary>
/// Chunks a read covers whole go straight into the reply and skip the cache, except a chunk that
/// repeats (a run of zeros is one chunk many times over), which is decoded once and then copied.
/// </summary>
public sealed class ObjectCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bupfs-cache-").FullName;
    private readonly StoreRepository _repo;
    private readonly ObjectId _zeros;
    private readonly ObjectId _text;
    private readonly byte[] _textBytes = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 900).Select(i => $"line {i}\n")));

    public ObjectCacheTests()
    {
        _repo = StoreRepository.Init(Path.Combine(_root, "repo"));
        using (var writer = _repo.CreateWriter())
        {
            _zeros = writer.Write(ObjectType.Blob, new byte[32768]);
            _text = writer.Write(ObjectType.Blob, _textBytes);
            writer.Close();
        }

        _repo.Objects.Refresh();
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void AChunkReadOnceStaysOutOfTheCache()
    {
        using var cache = new ObjectCache(_repo.Objects, 1 << 20);
        var buffer = new byte[_textBytes.Length];
        Assert.True(cache.TryReadBlobInto(_text, buffer));
        Assert.Equal(_textBytes, buffer);
        Assert.Equal(0, cache.CurrentSize);
    }

    [Fact]
    public void ARepeatedChunkIsDecodedOnceIntoTheCacheAndCopiedFromThere()
    {
        using var cache = new ObjectCache(_repo.Objects, 1 << 20);
        for (var i = 0; i < 5; i++)
        {
            var buffer = new byte[32768];
            buffer.AsSpan().Fill(0xEE);
            Assert.True(cache.TryReadBlobInto(_zeros, buffer));
            Assert.True(buffer.AsSpan().IndexOfAnyExcept((byte)0) < 0, $"read {i} is not all zeros");
            Assert.Equal(i == 0 ? 0 : 32768 + 96, cache.CurrentSize);
        }
    }

    [Fact]
    public void ARepeatedChunkOfAnotherSizeThanAskedIsRefused()
    {
        using var cache = new ObjectCache(_repo.Objects, 1 << 20);
        Assert.True(cache.TryReadBlobInto(_zeros, new byte[32768]));
        Assert.False(cache.TryReadBlobInto(_zeros, new byte[1000]));
        Assert.False(cache.TryReadBlobInto(_text, new byte[_textBytes.Length + 1]));
    }

    // Issue 12: a listing larger than the bound was refused by the cache and decoded again on every
    // lookup in its directory. The last few such values are now kept beside the bound.
    [Fact]
    public void AValueLargerThanTheBoundIsDecodedOnceWhileItIsAmongTheRecentLargeOnes()
    {
        using var cache = new ObjectCache(_repo.Objects, 1000);
        var loads = 0;
        string Load(CacheKey key)
        {
            loads++;
            return key.Id.ToString();
        }

        var first = new CacheKey(CacheKind.Listing, _text);
        var second = new CacheKey(CacheKind.Listing, _zeros);
        var third = new CacheKey(CacheKind.Listing, ObjectId.EmptyTree);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(_text.ToString(), cache.GetOrAdd(first, (_, k) => Load(k), static _ => 5000));
            cache.GetOrAdd(second, (_, k) => Load(k), static _ => 5000);
        }

        Assert.Equal(2, loads);
        cache.GetOrAdd(third, (_, k) => Load(k), static _ => 5000);
        cache.GetOrAdd(second, (_, k) => Load(k), static _ => 5000);
        Assert.Equal(3, loads);
        cache.GetOrAdd(first, (_, k) => Load(k), static _ => 5000);
        Assert.Equal(4, loads); // the least recently used large value was let go: memory stays bounded
    }
}
