namespace BupFs;

/// <summary>The type of a filesystem node, as the S_IFMT bits of a mode name it.</summary>
public enum NodeKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link.</summary>
    Symlink,

    /// <summary>A named pipe.</summary>
    Fifo,

    /// <summary>A unix-domain socket.</summary>
    Socket,

    /// <summary>A character device.</summary>
    CharDevice,

    /// <summary>A block device.</summary>
    BlockDevice,
}
