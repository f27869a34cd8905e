using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>The start of git's fsck_tag rules: "object &lt;id&gt;" then "type &lt;type&gt;" then "tag &lt;name&gt;".</summary>
internal static class StrictTag
{
    /// <summary>The tag's target, or null with <paramref name="problem"/> set when the tag is malformed.</summary>
    public static (ObjectId Id, ObjectType Type)? Parse(ReadOnlySpan<byte> body, out string? problem)
    {
        problem = null;
        if (!body.StartsWith("object "u8) || body.Length < 48 || body[47] != '\n' || !ObjectId.TryParse(body.Slice(7, ObjectId.HexSize), out var id))
        {
            problem = "invalid format - expected 'object' line";
            return null;
        }

        var rest = body[48..];
        var nl = rest.IndexOf((byte)'\n');
        if (!rest.StartsWith("type "u8) || nl < 0)
        {
            problem = "invalid format - expected 'type' line";
            return null;
        }

        var type = ObjectTypes.Parse(rest[5..nl]);
        if (type is not (ObjectType.Commit or ObjectType.Tree or ObjectType.Blob or ObjectType.Tag))
        {
            problem = "invalid 'type' value";
            return null;
        }

        if (!rest[(nl + 1)..].StartsWith("tag "u8))
        {
            problem = "invalid format - expected 'tag' line";
            return null;
        }

        return (id, type);
    }
}
