namespace Conformance.Model;

/// <summary>open(2)'s flags as the cases use them; each driver turns them into its own calls.</summary>
[Flags]
public enum OpenMode
{
    /// <summary>O_RDONLY.</summary>
    Read = 1,

    /// <summary>O_WRONLY (with <see cref="Read"/>: O_RDWR).</summary>
    Write = 2,

    /// <summary>O_CREAT.</summary>
    Create = 4,

    /// <summary>O_EXCL (with <see cref="Create"/>).</summary>
    Exclusive = 8,

    /// <summary>O_TRUNC.</summary>
    Truncate = 16,

    /// <summary>O_APPEND.</summary>
    Append = 32,

    /// <summary>O_RDWR.</summary>
    ReadWrite = Read | Write,
}
