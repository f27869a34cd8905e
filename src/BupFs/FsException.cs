namespace BupFs;

/// <summary>A filesystem operation failed with a neutral <see cref="FsError"/>.</summary>
public sealed class FsException : Exception
{
    /// <summary>Creates the exception for an error, with an optional detail for logs.</summary>
    public FsException(FsError error, string? detail = null)
        : base(detail ?? error.ToString())
    {
        Error = error;
    }

    /// <summary>Creates the exception for an error caused by another exception.</summary>
    public FsException(FsError error, string detail, Exception inner)
        : base(detail, inner)
    {
        Error = error;
    }

    /// <summary>The neutral error.</summary>
    public FsError Error { get; }
}
