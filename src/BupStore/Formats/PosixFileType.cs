// The file-type bits of st_mode as bup records them in metadata (docs/formats/bupm.md, "The common record (tag 10)").
namespace BupStore.Formats;

/// <summary>The <c>S_IFMT</c> part of a Linux <c>st_mode</c> (octal values in the member docs).</summary>
public enum PosixFileType : uint
{
    /// <summary>No type bits (0): mode unknown.</summary>
    None = 0,

    /// <summary>0o010000: a FIFO (named pipe).</summary>
    Fifo = 0x1000,

    /// <summary>0o020000: a character device.</summary>
    CharacterDevice = 0x2000,

    /// <summary>0o040000: a directory.</summary>
    Directory = 0x4000,

    /// <summary>0o060000: a block device.</summary>
    BlockDevice = 0x6000,

    /// <summary>0o100000: a regular file.</summary>
    Regular = 0x8000,

    /// <summary>0o120000: a symbolic link.</summary>
    Symlink = 0xA000,

    /// <summary>0o140000: a Unix domain socket.</summary>
    Socket = 0xC000,
}
