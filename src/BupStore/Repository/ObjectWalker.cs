using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// bup join's walk: a commit stands for its tree, a tree for its entries in order (recursively),
/// a blob for its content. Blobs are inflated ahead of the consumer on the thread pool, so a
/// join streams at the speed of all cores with a bounded window.
/// </summary>
public static class ObjectWalker
{
    private const int Window = 32;

    /// <summary>The blob ids under <paramref name="id"/>, in join order.</summary>
    public static IEnumerable<ObjectId> Blobs(ObjectStore store, ObjectId id)
    {
        var root = store.Read(id);
        if (root.Type == ObjectType.Blob)
        {
            yield return id;
            yield break;
        }

        var tree = root.Type switch
        {
            ObjectType.Commit => CommitCodec.Parse(root.Data, $"commit {id}").Tree,
            ObjectType.Tree => id,
            _ => throw new WrongObjectTypeException(id, ObjectType.Tree, root.Type),
        };

        // Tree entry modes tell blobs from trees, so blobs are never inflated just to learn their type.
        var stack = new Stack<(ObjectId Id, bool IsTree)>();
        stack.Push((tree, true));
        while (stack.Count > 0)
        {
            var (current, isTree) = stack.Pop();
            if (!isTree)
            {
                yield return current;
                continue;
            }

            var entries = store.ReadTree(current);
            for (var i = entries.Count - 1; i >= 0; i--)
            {
                if (entries[i].Mode != GitFileMode.Gitlink)
                {
                    stack.Push((entries[i].Id, entries[i].IsTree));
                }
            }
        }
    }

    /// <summary>Writes the content under <paramref name="id"/> to <paramref name="output"/>; returns the byte count.</summary>
    public static long Join(ObjectStore store, ObjectId id, Stream output)
    {
        var pending = new Queue<Task<byte[]>>();
        long total = 0;
        foreach (var blob in Blobs(store, id))
        {
            pending.Enqueue(Task.Run(() => store.Read(blob, ObjectType.Blob)));
            if (pending.Count >= Window)
            {
                total += Drain(pending, output);
            }
        }

        while (pending.Count > 0)
        {
            total += Drain(pending, output);
        }

        return total;
    }

    private static int Drain(Queue<Task<byte[]>> pending, Stream output)
    {
        var data = pending.Dequeue().GetAwaiter().GetResult();
        output.Write(data);
        return data.Length;
    }
}
