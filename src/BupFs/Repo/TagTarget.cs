// What a tag ref names after peeling annotated tags (docs/formats/vfs-layout.md, "Tags"; git's tag object).
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Repo;

/// <summary>The commit, tree or blob a tag ref finally names.</summary>
/// <param name="Type">The object's type.</param>
/// <param name="Id">The object's id.</param>
internal sealed record TagTarget(ObjectType Type, ObjectId Id)
{
    private const int MaxDepth = 16;

    /// <summary>Reads <paramref name="id"/>, following annotated tag objects to what they name.</summary>
    public static TagTarget Peel(ObjectStore store, ObjectId id)
    {
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            var obj = store.Read(id);
            if (obj.Type != ObjectType.Tag)
            {
                return new TagTarget(obj.Type, id);
            }

            id = TaggedObject(obj.Data, id);
        }

        throw new CorruptObjectException($"tag {id}", $"tags nested more than {MaxDepth} deep");
    }

    // A tag object starts "object <40 hex>\n".
    private static ObjectId TaggedObject(ReadOnlySpan<byte> data, ObjectId tag)
    {
        var prefix = "object "u8;
        if (data.Length < prefix.Length + ObjectId.HexSize + 1 || !data.StartsWith(prefix)
            || data[prefix.Length + ObjectId.HexSize] != (byte)'\n'
            || !ObjectId.TryParse(data.Slice(prefix.Length, ObjectId.HexSize), out var target))
        {
            throw new CorruptObjectException($"tag {tag}", "does not start with an object line", 0);
        }

        return target;
    }
}
