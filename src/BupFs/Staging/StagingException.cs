namespace BupFs.Staging;

/// <summary>A staging area cannot be used as asked (busy, damaged, branch moved, conflicts); the message says why and what to do.</summary>
public sealed class StagingException : Exception
{
    /// <summary>Creates the exception with a one-line message for the user.</summary>
    public StagingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public StagingException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
