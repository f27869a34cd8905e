namespace BupFs;

/// <summary>
/// How a file is opened, in neutral terms: FUSE derives them from open(2)'s flags, WinFsp from
/// its access mask and create disposition.
/// </summary>
[Flags]
public enum OpenFlags
{
    /// <summary>Reading only.</summary>
    Read = 1,

    /// <summary>Writing (alone: write-only; with <see cref="Read"/>: read-write).</summary>
    Write = 2,

    /// <summary>Every write goes to the end of the file (O_APPEND).</summary>
    Append = 4,

    /// <summary>The file is emptied on open (O_TRUNC).</summary>
    Truncate = 8,
}
