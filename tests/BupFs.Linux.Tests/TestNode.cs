namespace BupFs.Linux.Tests;

/// <summary>One node of <see cref="TestFileSystem"/>; mutable only under the filesystem's lock.</summary>
internal sealed class TestNode
{
    public required ulong Id { get; init; }

    public required NodeKind Kind { get; init; }

    public uint Permissions { get; init; } = 0x1A4; // 0644

    public uint Uid { get; init; } = 1234;

    public uint Gid { get; init; } = 5678;

    public ulong RawDevice { get; init; }

    public bool Immutable { get; init; } = true;

    public byte[]? Data { get; set; }

    /// <summary>Size of generated content (<see cref="TestContent"/>) when <see cref="Data"/> is null.</summary>
    public long GeneratedSize { get; init; }

    public byte[]? Target { get; init; }

    public List<(byte[] Name, TestNode Node)> Children { get; } = [];

    public List<(byte[] Name, byte[] Value)> ExtendedAttributes { get; } = [];

    /// <summary>Reads throw a non-FsException, like a corrupt object in the repository.</summary>
    public bool FailRead { get; init; }

    /// <summary>Reads return at most this many bytes per call (0 = no limit), as a chunked reader might.</summary>
    public int ReadLimit { get; init; }

    /// <summary>Listing throws FsException(Io), like a missing tree object.</summary>
    public bool FailList { get; init; }

    public long Size => Kind switch
    {
        NodeKind.File => Data?.Length ?? GeneratedSize,
        NodeKind.Symlink => Target!.Length,
        _ => 0,
    };

    public NodeAttributes Attributes => new()
    {
        Kind = Kind,
        Mode = TypeBits(Kind) | Permissions,
        Size = Size,
        Inode = Id,
        LinkCount = Kind == NodeKind.Directory ? 2u : 1u,
        Uid = Uid,
        Gid = Gid,
        RawDevice = RawDevice,
        AccessTime = new FsTime(1_600_000_000, 1),
        ModifyTime = new FsTime(1_700_000_000, 123_456_789),
        ChangeTime = new FsTime(1_650_000_000, 999_999_999),
        Immutable = Immutable,
    };

    private static uint TypeBits(NodeKind kind) => kind switch
    {
        NodeKind.Directory => 0x4000,
        NodeKind.Symlink => 0xA000,
        NodeKind.Fifo => 0x1000,
        NodeKind.CharDevice => 0x2000,
        NodeKind.BlockDevice => 0x6000,
        NodeKind.Socket => 0xC000,
        _ => 0x8000,
    };
}
