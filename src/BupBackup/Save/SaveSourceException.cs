namespace BupBackup.Save;

/// <summary>
/// The save cannot start from what it was given: no index, a source the index does not hold, or no
/// source left to save. Its message is meant for the user as it stands.
/// </summary>
public sealed class SaveSourceException : Exception
{
    /// <summary>Creates the exception with the message to show.</summary>
    public SaveSourceException(string message)
        : base(message)
    {
    }
}
