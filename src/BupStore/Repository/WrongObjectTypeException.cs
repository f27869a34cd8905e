using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>An object exists but has another type than the one the caller needs.</summary>
public sealed class WrongObjectTypeException : RepositoryException
{
    /// <summary>Creates the exception naming the object, the expected and the actual type.</summary>
    public WrongObjectTypeException(ObjectId id, ObjectType expected, ObjectType actual)
        : base($"object {id} is a {actual.ToString().ToLowerInvariant()}, expected a {expected.ToString().ToLowerInvariant()}")
    {
        Id = id;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The object at fault.</summary>
    public ObjectId Id { get; }

    /// <summary>The type the caller needed.</summary>
    public ObjectType Expected { get; }

    /// <summary>The type the object has.</summary>
    public ObjectType Actual { get; }
}
