using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;

namespace BupBackup.Save;

/// <summary>
/// Lets several threads store objects through one <see cref="ObjectWriter"/>: hashing and
/// compression (<see cref="ObjectWriter.Prepare"/>) run on the caller's thread, appends to the pack
/// happen one at a time under <see cref="Gate"/>. Code that appends on its own (a
/// <see cref="StreamSplitter"/>) must hold <see cref="Gate"/> for the whole time.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class SharedWriter
{
    /// <summary>Wraps <paramref name="writer"/>.</summary>
    public SharedWriter(ObjectWriter writer)
    {
        Writer = writer;
    }

    /// <summary>The underlying writer; append to it only while holding <see cref="Gate"/>.</summary>
    public ObjectWriter Writer { get; }

    /// <summary>The lock that serializes appends.</summary>
    public Lock Gate { get; } = new();

    /// <summary>True when the repository (or this save) already has the object.</summary>
    public bool Exists(ObjectId id) => Writer.Exists(id);

    /// <summary>Hashes, compresses if new, and appends one object.</summary>
    public ObjectId Write(ObjectType type, ReadOnlySpan<byte> data)
    {
        var prepared = Writer.Prepare(type, data);
        lock (Gate)
        {
            return Writer.Add(prepared);
        }
    }

    /// <summary>
    /// Stores the empty blob (what empty files, FIFOs, sockets and devices point at) unless the
    /// repository has it: the chunk builder only names this blob, it never writes it.
    /// </summary>
    public void EnsureEmptyBlob()
    {
        if (Exists(ObjectId.EmptyBlob))
        {
            return;
        }

        lock (Gate)
        {
            Writer.Write(ObjectType.Blob, []);
        }
    }

    /// <summary>Appends prepared objects in one go (their order does not matter).</summary>
    public void AddAll(List<PreparedObject> prepared)
    {
        lock (Gate)
        {
            foreach (var p in prepared)
            {
                Writer.Add(p);
            }
        }

        prepared.Clear();
    }

    /// <summary>
    /// Stores <paramref name="data"/> as bup stores a .bupm: hashsplit, one blob when it fits in a
    /// chunk, else a chunk tree.
    /// </summary>
    public (GitFileMode Mode, ObjectId Id) SplitBytes(ReadOnlySpan<byte> data)
    {
        var splitter = new HashSplitter();
        var tree = new ChunkTreeBuilder((type, body) => Write(type, body));
        for (var offset = 0; offset < data.Length; offset += HashSplitter.ReadSize)
        {
            using var batch = splitter.Put(data.Slice(offset, Math.Min(HashSplitter.ReadSize, data.Length - offset)));
            AddChunks(batch, tree);
        }

        using (var last = splitter.Finish())
        {
            AddChunks(last, tree);
        }

        return tree.FinishBlobOrTree();
    }

    private void AddChunks(SplitBatch batch, ChunkTreeBuilder tree)
    {
        for (var i = 0; i < batch.Chunks.Count; i++)
        {
            var cut = batch.Chunks[i];
            tree.Add(Write(ObjectType.Blob, batch.Data(i)), cut.Length, cut.Level);
        }
    }
}
