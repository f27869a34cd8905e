using BupStore.Objects;

namespace BupStore.Repository;

/// <summary>A ref update lost a race: the ref no longer holds the value the writer started from.</summary>
public sealed class RefConflictException : RepositoryException
{
    /// <summary>Creates the exception naming the ref, the expected and the found value.</summary>
    public RefConflictException(string name, ObjectId expected, ObjectId actual)
        : base($"ref {name} changed concurrently: expected {(expected.IsZero ? "no ref" : expected.ToString())}, found {(actual.IsZero ? "no ref" : actual.ToString())}")
    {
        Name = name;
    }

    /// <summary>The ref at fault.</summary>
    public string Name { get; }
}
