// One bup Metadata object, the unit of a .bupm file: docs/formats/bupm.md, "The format" (metadata.py class
// Metadata). Encoding lives in BupMetadata.Encode.cs, decoding in BupMetadata.Decode.cs.
namespace BupStore.Formats;

/// <summary>
/// What bup knows about one filesystem object: the common record (mode, owners, rdev, times, size),
/// symlink and hardlink targets, POSIX ACLs, Linux attr flags and extended attributes.
/// </summary>
/// <remarks>
/// Absent parts follow bup: <see cref="Mode"/> 0 means no common record; null or empty targets,
/// a null <see cref="Acl"/>, <see cref="LinuxAttr"/> null or 0 and an empty <see cref="Xattrs"/> list
/// are not encoded. Byte arrays are treated as immutable once assigned. Instances are not thread-safe
/// for writing; share them only after they are complete.
/// </remarks>
public sealed partial class BupMetadata : IEquatable<BupMetadata>
{
    /// <summary>Archive path (record tag 1). Only <c>bup meta</c> archives carry it, never .bupm.</summary>
    public byte[]? Path { get; set; }

    /// <summary>Full <c>st_mode</c> including the file type bits; 0 when unknown.</summary>
    public uint Mode { get; set; }

    /// <summary>Numeric owner id.</summary>
    public long Uid { get; set; }

    /// <summary>Owner name from the passwd database at save time; empty if unknown.</summary>
    public byte[] User { get; set; } = [];

    /// <summary>Numeric group id.</summary>
    public long Gid { get; set; }

    /// <summary>Group name from the group database at save time; empty if unknown.</summary>
    public byte[] Group { get; set; } = [];

    /// <summary>Raw Linux <c>st_rdev</c> for character and block devices, else 0.</summary>
    public long Rdev { get; set; }

    /// <summary>Last access time.</summary>
    public BupTimespec Atime { get; set; }

    /// <summary>Last modification time.</summary>
    public BupTimespec Mtime { get; set; }

    /// <summary>Last status change time.</summary>
    public BupTimespec Ctime { get; set; }

    /// <summary>Size in bytes, or null when not recorded (bup writes −1).</summary>
    public long? Size { get; set; }

    /// <summary>Symlink target bytes (record tag 3).</summary>
    public byte[]? SymlinkTarget { get; set; }

    /// <summary>Hardlink group key: the absolute path of the first link bup's index met (tag 8).</summary>
    public byte[]? HardlinkTarget { get; set; }

    /// <summary>POSIX.1e ACLs (record tag 11, or legacy tag 4).</summary>
    public PosixAcl? Acl { get; set; }

    /// <summary>Linux inode flags from <c>FS_IOC_GETFLAGS</c> (record tag 6), e.g. 0x80000 for extents.</summary>
    public uint? LinuxAttr { get; set; }

    /// <summary>Extended attributes in <c>llistxattr</c> order (record tag 7).</summary>
    public IReadOnlyList<ExtendedAttribute> Xattrs { get; set; } = [];

    /// <summary>The file type part of <see cref="Mode"/>.</summary>
    public PosixFileType FileType => (PosixFileType)(Mode & 0xF000);

    /// <summary>The permission part of <see cref="Mode"/> (<c>S_IMODE</c>: 0o7777).</summary>
    public uint Permissions => Mode & 0xFFF;

    /// <summary>A copy whose lists are independent (byte arrays are shared: they are immutable by contract).</summary>
    public BupMetadata Clone()
    {
        var copy = (BupMetadata)MemberwiseClone();
        copy.Xattrs = [.. Xattrs];
        return copy;
    }

    /// <summary>
    /// bup's <c>same_file</c>: could this and <paramref name="other"/> describe the same inode in the
    /// hardlink sense (owners, rdev, mtime, ctime, size, hardlink target, ACL, attr, xattrs)?
    /// </summary>
    public bool SameFile(BupMetadata other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Uid == other.Uid && Gid == other.Gid && Rdev == other.Rdev
            && Mtime == other.Mtime && Ctime == other.Ctime && Size == other.Size
            && User.AsSpan().SequenceEqual(other.User) && Group.AsSpan().SequenceEqual(other.Group)
            && BytesEqual(HardlinkTarget, other.HardlinkTarget)
            && Equals(Acl, other.Acl)
            && (LinuxAttr ?? 0) == (other.LinuxAttr ?? 0)
            && Xattrs.SequenceEqual(other.Xattrs);
    }

    /// <summary>Field-by-field equality, path and atime included.</summary>
    public bool Equals(BupMetadata? other) =>
        other is not null
        && SameFile(other)
        && Mode == other.Mode
        && Atime == other.Atime
        && BytesEqual(Path, other.Path)
        && BytesEqual(SymlinkTarget, other.SymlinkTarget);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as BupMetadata);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Mode, Uid, Gid, Mtime, Ctime, Size);

    /// <summary>A one-line summary (mode in octal, owners, size, mtime) for messages and tests.</summary>
    public override string ToString() =>
        $"mode {Convert.ToString(Mode, 8)} {Uid}/{Gid} {Objects.NameText.Display(User)}/{Objects.NameText.Display(Group)} "
        + $"rdev {Rdev} size {(Size is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")} mtime {Mtime}";

    // Null and empty are the same to bup: neither is encoded.
    private static bool BytesEqual(byte[]? a, byte[]? b) => (a ?? []).AsSpan().SequenceEqual(b ?? []);

    /// <summary>Record tags (metadata.py _rec_tag_*); never renumbered.</summary>
    private static class Tag
    {
        public const ulong End = 0;
        public const ulong Path = 1;
        public const ulong CommonV1 = 2;
        public const ulong SymlinkTarget = 3;
        public const ulong PosixAclV1 = 4;
        public const ulong LinuxAttr = 6;
        public const ulong LinuxXattr = 7;
        public const ulong HardlinkTarget = 8;
        public const ulong CommonV2 = 9;
        public const ulong CommonV3 = 10;
        public const ulong PosixAclV2 = 11;
    }
}
