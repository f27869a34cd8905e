namespace BupStore.Objects;

/// <summary>The modes a git tree entry can carry. Values are the octal numbers git writes.</summary>
public enum GitFileMode
{
    /// <summary>No mode / unknown (0).</summary>
    None = 0,

    /// <summary>040000: a tree (a directory, a chunked file, or a chunk subtree).</summary>
    Tree = 0x4000,

    /// <summary>100644: a regular blob.</summary>
    Regular = 0x81A4,

    /// <summary>100755: an executable blob (bup never writes it; git repositories may hold it).</summary>
    Executable = 0x81ED,

    /// <summary>120000: a symbolic link whose blob is the target.</summary>
    Symlink = 0xA000,

    /// <summary>160000: a submodule commit (never written by bup).</summary>
    Gitlink = 0xE000,
}
