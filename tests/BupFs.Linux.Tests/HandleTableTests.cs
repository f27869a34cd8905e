namespace BupFs.Linux.Tests;

public sealed class HandleTableTests
{
    [Fact]
    public void HandlesStartAtOneAndFreedNumbersAreReused()
    {
        var table = new HandleTable<string>();
        Assert.Equal(1ul, table.Add("a"));
        Assert.Equal(2ul, table.Add("b"));
        Assert.Equal("a", table.Remove(1));
        Assert.Equal(1ul, table.Add("c"));
        Assert.Equal("c", table.Get(1));
        Assert.Equal("b", table.Get(2));
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void UnknownHandlesAreBadHandles()
    {
        var table = new HandleTable<string>();
        table.Add("a");
        Assert.Equal(FsError.BadHandle, Assert.Throws<FsException>(() => table.Get(0)).Error);
        Assert.Equal(FsError.BadHandle, Assert.Throws<FsException>(() => table.Get(2)).Error);
        Assert.Equal(FsError.BadHandle, Assert.Throws<FsException>(() => table.Get(ulong.MaxValue)).Error);
        table.Remove(1);
        Assert.Equal(FsError.BadHandle, Assert.Throws<FsException>(() => table.Remove(1)).Error);
    }

    [Fact]
    public void GrowsAndRemoveAllEmptiesIt()
    {
        var table = new HandleTable<object>();
        var handles = Enumerable.Range(0, 1000).Select(_ => table.Add(new object())).ToList();
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ulong)i), handles);
        Assert.Equal(1000, table.RemoveAll().Count);
        Assert.Equal(0, table.Count);
        Assert.InRange(table.Add(new object()), 1ul, 1000ul); // reuses a freed slot
    }

    [Fact]
    public void ConcurrentUseKeepsEveryHandleDistinct()
    {
        var table = new HandleTable<object>();
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                var item = new object();
                ulong handle = table.Add(item);
                Assert.Same(item, table.Get(handle));
                Assert.Same(item, table.Remove(handle));
            }
        });
        Assert.Equal(0, table.Count);
    }
}
