namespace BupStore.Repository;

/// <summary>
/// Base of every error the storage core raises about repository content or state. Its message is
/// one line that names the file, ref or object at fault, fit to print as-is.
/// </summary>
public class RepositoryException : IOException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public RepositoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public RepositoryException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
