using System.Text;

namespace BupStore.Objects;

/// <summary>Names of object types as they appear in object headers ("blob 12\0").</summary>
public static class ObjectTypes
{
    /// <summary>The type's name as ASCII bytes.</summary>
    public static ReadOnlySpan<byte> Name(ObjectType type) => type switch
    {
        ObjectType.Commit => "commit"u8,
        ObjectType.Tree => "tree"u8,
        ObjectType.Blob => "blob"u8,
        ObjectType.Tag => "tag"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a final object type"),
    };

    /// <summary>The type's name as a string.</summary>
    public static string NameString(ObjectType type) => Encoding.ASCII.GetString(Name(type));

    /// <summary>Parses a type name; <see cref="ObjectType.None"/> when unknown.</summary>
    public static ObjectType Parse(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("blob"u8) ? ObjectType.Blob
        : name.SequenceEqual("tree"u8) ? ObjectType.Tree
        : name.SequenceEqual("commit"u8) ? ObjectType.Commit
        : name.SequenceEqual("tag"u8) ? ObjectType.Tag
        : ObjectType.None;

    /// <summary>Parses a type name given as text; <see cref="ObjectType.None"/> when unknown.</summary>
    public static ObjectType Parse(string name) => Parse(Encoding.ASCII.GetBytes(name));
}
