namespace BupStore.Objects;

/// <summary>Git object types, numbered as in a pack object header.</summary>
public enum ObjectType
{
    /// <summary>Not a valid type (0 in a pack header).</summary>
    None = 0,

    /// <summary>A commit (pack type 1).</summary>
    Commit = 1,

    /// <summary>A tree (pack type 2).</summary>
    Tree = 2,

    /// <summary>A blob (pack type 3).</summary>
    Blob = 3,

    /// <summary>An annotated tag (pack type 4).</summary>
    Tag = 4,

    /// <summary>A delta against a base at a relative pack offset (pack type 6; never a final type).</summary>
    OfsDelta = 6,

    /// <summary>A delta against a base named by id (pack type 7; never a final type).</summary>
    RefDelta = 7,
}
