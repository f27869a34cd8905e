using BupStore.Formats;

namespace BupStore.Repository;

/// <summary>A pack and its idx as the object store sees them; the pack is opened on first read.</summary>
internal sealed class PackEntry : IDisposable
{
    private readonly Lazy<PackFile> _pack;

    public PackEntry(PackIndex index)
    {
        Index = index;
        PackPath = Path.ChangeExtension(index.Path, ".pack");
        _pack = new Lazy<PackFile>(() => PackFile.Open(PackPath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The memory-mapped idx.</summary>
    public PackIndex Index { get; }

    /// <summary>The pack file's path.</summary>
    public string PackPath { get; }

    /// <summary>The idx file name, as midx and bloom files name it.</summary>
    public string IdxName => Path.GetFileName(Index.Path);

    /// <summary>The pack, opened on first use.</summary>
    public PackFile Pack => _pack.Value;

    public void Dispose()
    {
        Index.Dispose();
        if (_pack.IsValueCreated)
        {
            _pack.Value.Dispose();
        }
    }
}
