using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>
/// An object hashed (and, when new, compressed) off the writer's thread, ready to be appended.
/// <see cref="Compressed"/> is null when the repository already has the object.
/// </summary>
/// <param name="Id">The object's id.</param>
/// <param name="Type">The object's type.</param>
/// <param name="Size">The content length.</param>
/// <param name="Compressed">The complete zlib stream, or null for an object that exists.</param>
public sealed record PreparedObject(ObjectId Id, ObjectType Type, long Size, byte[]? Compressed);
