// Reading a system.posix_acl_access / _default value a program wrote (include/uapi/linux/posix_acl_xattr.h):
// the checks are the kernel's own, posix_acl_from_xattr and posix_acl_valid in fs/posix_acl.c, so a value
// is taken exactly when Linux would store it.
using System.Buffers.Binary;

namespace BupFs.Repo;

/// <summary>Parses and checks the kernel's binary POSIX ACL xattr value.</summary>
internal static class PosixAclValue
{
    private const uint Version = 2;
    private const int HeaderSize = 4;
    private const int EntrySize = 8;
    private const int MaxValueBytes = 65536; // XATTR_SIZE_MAX

    /// <summary>
    /// The entries of <paramref name="value"/> in the kernel's order, ids of unnamed entries set to
    /// <see cref="AclEntry.UndefinedId"/>; an empty list for a header without entries (Linux reads that
    /// as "no ACL"); null when the value is malformed or not a valid ACL.
    /// </summary>
    public static List<AclEntry>? Parse(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize || value.Length > MaxValueBytes || (value.Length - HeaderSize) % EntrySize != 0
            || BinaryPrimitives.ReadUInt32LittleEndian(value) != Version)
        {
            return null;
        }

        var entries = new List<AclEntry>();
        for (var offset = HeaderSize; offset < value.Length; offset += EntrySize)
        {
            if (ReadEntry(value.Slice(offset, EntrySize)) is not { } entry)
            {
                return null;
            }

            entries.Add(entry);
        }

        return entries.Count == 0 || IsValid(entries) ? entries : null;
    }

    // Unknown tags, permission bits beyond rwx and the id -1 for a named entry are refused by the kernel too.
    private static AclEntry? ReadEntry(ReadOnlySpan<byte> slot)
    {
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(slot);
        var permissions = BinaryPrimitives.ReadUInt16LittleEndian(slot[2..]);
        var id = BinaryPrimitives.ReadUInt32LittleEndian(slot[4..]);
        if (tag is not (AclEntry.UserObj or AclEntry.User or AclEntry.GroupObj or AclEntry.Group or AclEntry.Mask or AclEntry.Other)
            || permissions > 7)
        {
            return null;
        }

        var entry = new AclEntry(tag, permissions, id);
        if (entry.IsNamed)
        {
            return id == AclEntry.UndefinedId ? null : entry;
        }

        return entry with { Id = AclEntry.UndefinedId }; // the kernel ignores the id of unnamed entries
    }

    /// <summary>
    /// posix_acl_valid: owner, named users, owning group, named groups, mask, other, in that order
    /// (which is ascending tag value); one owner, owning group and other; a mask whenever there are
    /// named entries. Named ids must also ascend without repeats, as libacl writes them and as
    /// acl_valid(3) demands, so the text bup records describes one ACL only.
    /// </summary>
    private static bool IsValid(List<AclEntry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            var (before, entry) = (entries[i - 1], entries[i]);
            if (before.Tag > entry.Tag || (before.Tag == entry.Tag && (!entry.IsNamed || before.Id >= entry.Id)))
            {
                return false;
            }
        }

        var named = entries.Exists(e => e.IsNamed);
        return Has(entries, AclEntry.UserObj) && Has(entries, AclEntry.GroupObj) && Has(entries, AclEntry.Other)
            && (!named || Has(entries, AclEntry.Mask));
    }

    private static bool Has(List<AclEntry> entries, ushort tag) => entries.Exists(e => e.Tag == tag);
}
