namespace BupFs;

/// <summary>renameat2(2)'s variants.</summary>
[Flags]
public enum RenameFlags
{
    /// <summary>Replace an existing target (of a compatible type).</summary>
    None = 0,

    /// <summary>Fail with <see cref="FsError.Exists"/> when the target exists (RENAME_NOREPLACE).</summary>
    NoReplace = 1,

    /// <summary>Swap source and target, both of which must exist (RENAME_EXCHANGE).</summary>
    Exchange = 2,
}
