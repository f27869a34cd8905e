using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Tests.Support;

/// <summary>Splits in memory and computes ids without a repository, for checking bup's vectors.</summary>
public static class IdOnlySplit
{
    public static (List<(long Offset, int Length, int Level, ObjectId Id)> Chunks, ChunkTreeBuilder Tree) Run(IEnumerable<byte[]> files, int fanBits = 4)
    {
        var splitter = new HashSplitter(fanBits);
        var tree = new ChunkTreeBuilder((type, body) => ObjectHasher.Compute(type, body));
        var chunks = new List<(long, int, int, ObjectId)>();
        long offset = 0;
        void Take(SplitBatch batch)
        {
            using (batch)
            {
                for (var i = 0; i < batch.Chunks.Count; i++)
                {
                    var id = ObjectHasher.Compute(ObjectType.Blob, batch.Data(i));
                    var c = batch.Chunks[i];
                    chunks.Add((offset, c.Length, c.Level, id));
                    tree.Add(id, c.Length, c.Level);
                    offset += c.Length;
                }
            }
        }

        foreach (var file in files)
        {
            for (var pos = 0; pos < file.Length; pos += HashSplitter.ReadSize)
            {
                Take(splitter.Put(file.AsSpan(pos, Math.Min(HashSplitter.ReadSize, file.Length - pos))));
            }
        }

        Take(splitter.Finish());
        return (chunks, tree);
    }
}
