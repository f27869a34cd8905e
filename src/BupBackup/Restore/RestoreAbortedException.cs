namespace BupBackup.Restore;

/// <summary>A restore cannot go on at all (its tar output or -v listing went away); thrown by <see cref="Restorer"/>.</summary>
public sealed class RestoreAbortedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RestoreAbortedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
