// Extended attributes of a node from its .bupm record: tag 7 (linux xattr) as recorded, plus
// POSIX ACLs from tag 11 when the raw system.posix_acl_* values were not recorded.
using BupStore.Formats;

namespace BupFs.Repo;

/// <summary>The extended attributes a bup metadata record describes, as name/value pairs.</summary>
internal static class ExtendedAttributes
{
    /// <summary>system.posix_acl_access.</summary>
    public static readonly byte[] AclAccess = "system.posix_acl_access"u8.ToArray();

    /// <summary>system.posix_acl_default.</summary>
    public static readonly byte[] AclDefault = "system.posix_acl_default"u8.ToArray();

    /// <summary>Every attribute of <paramref name="metadata"/>: recorded ones in recorded order, then derived ACLs.</summary>
    public static List<ExtendedAttribute> Of(BupMetadata? metadata, NodeKind kind)
    {
        var result = new List<ExtendedAttribute>();
        if (metadata is null)
        {
            return result;
        }

        result.AddRange(metadata.Xattrs);
        if (metadata.Acl is { } acl)
        {
            AddDerived(result, AclAccess, acl.AccessNumeric.Length > 0 ? acl.AccessNumeric : acl.Access);
            if (kind == NodeKind.Directory && acl.HasDefault)
            {
                AddDerived(result, AclDefault, acl.DefaultNumeric.Length > 0 ? acl.DefaultNumeric : acl.Default);
            }
        }

        return result;
    }

    private static void AddDerived(List<ExtendedAttribute> attributes, byte[] name, byte[] text)
    {
        if (attributes.Exists(a => a.Name.AsSpan().SequenceEqual(name)))
        {
            return; // the raw value bup recorded is the better source
        }

        if (PosixAclXattr.FromText(text) is { } value && !IsMinimalAccessAcl(name, value))
        {
            attributes.Add(new ExtendedAttribute(name, value));
        }
    }

    /// <summary>
    /// True for an access ACL of only the three base entries (owner, group, other): it says no more
    /// than the mode bits, and Linux never shows one as an attribute (bup records it anyway for
    /// folders that only have a default ACL).
    /// </summary>
    private static bool IsMinimalAccessAcl(byte[] name, byte[] value) =>
        name.AsSpan().SequenceEqual(AclAccess) && value.Length == 4 + (3 * 8);
}
