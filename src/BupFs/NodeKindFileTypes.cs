using BupStore.Formats;

namespace BupFs;

/// <summary>The bup/POSIX file type a node kind stands for (the type bits of a .bupm record's mode).</summary>
public static class NodeKindFileTypes
{
    /// <summary>The file type of <paramref name="kind"/>.</summary>
    public static PosixFileType ToFileType(this NodeKind kind) => kind switch
    {
        NodeKind.File => PosixFileType.Regular,
        NodeKind.Directory => PosixFileType.Directory,
        NodeKind.Symlink => PosixFileType.Symlink,
        NodeKind.Fifo => PosixFileType.Fifo,
        NodeKind.Socket => PosixFileType.Socket,
        NodeKind.CharDevice => PosixFileType.CharacterDevice,
        _ => PosixFileType.BlockDevice,
    };
}
