using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>An object the repository was asked for is not in it.</summary>
public sealed class ObjectNotFoundException : RepositoryException
{
    /// <summary>Creates the exception for a missing object.</summary>
    public ObjectNotFoundException(ObjectId id, string? context = null)
        : base(context is null ? $"object {id} not found" : $"object {id} not found ({context})")
    {
        Id = id;
    }

    /// <summary>The id that was not found.</summary>
    public ObjectId Id { get; }
}
