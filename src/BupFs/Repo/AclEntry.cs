// One entry of a POSIX ACL as the kernel's xattr value holds it (include/uapi/linux/posix_acl_xattr.h,
// include/uapi/linux/posix_acl.h for the tag values).
namespace BupFs.Repo;

/// <summary>An ACL entry: tag, rwx permission bits, and the uid/gid of named entries.</summary>
internal readonly record struct AclEntry(ushort Tag, ushort Permissions, uint Id)
{
    /// <summary>ACL_USER_OBJ: the owner.</summary>
    public const ushort UserObj = 0x01;

    /// <summary>ACL_USER: a named user.</summary>
    public const ushort User = 0x02;

    /// <summary>ACL_GROUP_OBJ: the owning group.</summary>
    public const ushort GroupObj = 0x04;

    /// <summary>ACL_GROUP: a named group.</summary>
    public const ushort Group = 0x08;

    /// <summary>ACL_MASK: the most named entries and the owning group may grant.</summary>
    public const ushort Mask = 0x10;

    /// <summary>ACL_OTHER: everybody else.</summary>
    public const ushort Other = 0x20;

    /// <summary>ACL_UNDEFINED_ID: the id the kernel reports for entries that name nobody.</summary>
    public const uint UndefinedId = 0xFFFFFFFF;

    /// <summary>True for ACL_USER and ACL_GROUP, the entries with an id.</summary>
    public bool IsNamed => Tag is User or Group;
}
