namespace BupBackup.Restore.Tar;

/// <summary>The ustar type flags the restore writes (POSIX.1-2001 pax, <c>typeflag</c>).</summary>
public enum TarEntryType : byte
{
    /// <summary>'0': a regular file, followed by its content.</summary>
    Regular = (byte)'0',

    /// <summary>'1': another name of an earlier member (<see cref="TarEntry.LinkName"/>); no content.</summary>
    HardLink = (byte)'1',

    /// <summary>'2': a symbolic link to <see cref="TarEntry.LinkName"/>.</summary>
    Symlink = (byte)'2',

    /// <summary>'3': a character device.</summary>
    CharacterDevice = (byte)'3',

    /// <summary>'4': a block device.</summary>
    BlockDevice = (byte)'4',

    /// <summary>'5': a directory (its name ends with '/').</summary>
    Directory = (byte)'5',

    /// <summary>'6': a FIFO.</summary>
    Fifo = (byte)'6',
}
