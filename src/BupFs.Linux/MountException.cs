namespace BupFs.Linux;

/// <summary>
/// A mount or unmount could not be done. <see cref="Exception.Message"/> is one line meant for
/// the user (what is wrong and what to do), so a CLI can print it as is.
/// </summary>
public sealed class MountException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MountException(MountFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MountException(MountFailure failure, string message, Exception inner)
        : base(message, inner)
    {
        Failure = failure;
    }

    /// <summary>What went wrong.</summary>
    public MountFailure Failure { get; }
}
