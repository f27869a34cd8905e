using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;

namespace BupStore.Saves;

/// <summary>
/// Lets several threads store objects through one <see cref="ObjectWriter"/>: hashing and
/// compression (<see cref="ObjectWriter.Prepare"/>) run on the caller's thread, appends to the pack
/// happen one at a time under <see cref="Gate"/>. Code that appends on its own (a
/// <see cref="StreamSplitter"/>) must hold <see cref="Gate"/> for the whole time. Shared by
/// <c>bupfs save</c> and anything else that writes saves, so both store objects the same way.
/// </summary>
/// <remarks>
/// Thread-safe. Does not own the <see cref="ObjectWriter"/>: its creator disposes it; objects are
/// durable only after <see cref="Close"/> (or <see cref="ObjectWriter.Close"/>).
/// </remarks>
public sealed class ConcurrentObjectWriter
{
    /// <summary>Wraps <paramref name="writer"/> (from <see cref="Repository.Repository.CreateWriter"/>).</summary>
    public ConcurrentObjectWriter(ObjectWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Writer = writer;
    }

    /// <summary>The underlying writer; append to it only while holding <see cref="Gate"/>.</summary>
    public ObjectWriter Writer { get; }

    /// <summary>The lock that serializes appends.</summary>
    public Lock Gate { get; } = new();

    /// <summary>True when the repository (or this writer) already has the object.</summary>
    public bool Exists(ObjectId id) => Writer.Exists(id);

    /// <summary>Hashes, compresses if new, and appends one object (blob, tree or commit).</summary>
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

    /// <summary>Appends prepared objects in one go (their order does not matter) and empties the list.</summary>
    public void AddAll(List<PreparedObject> prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
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
    /// Publishes the open pack and updates midx/bloom (<see cref="ObjectWriter.Close"/>): every object
    /// written is durable once this returns, so refs may then point at them.
    /// </summary>
    public void Close()
    {
        lock (Gate)
        {
            Writer.Close();
        }
    }
}
