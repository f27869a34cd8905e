// POSIX ACLs of a staged node (docs/formats/staging.md, "Extended attributes and POSIX ACLs"). A node's ACLs live twice in its
// record, as bup save records them: as libacl text in the ACL record (tag 11, docs/formats/bupm.md) and,
// because bup also saves every xattr llistxattr shows, as the raw system.posix_acl_* values in the xattr
// record (tag 7). Both are rebuilt together from the entries, so they never disagree (bup restore applies
// tag 11 first and then makes the xattrs equal to tag 7, which would drop an ACL tag 7 lacks).
// The mode rules are Linux's (fs/posix_acl.c): posix_acl_update_mode when an access ACL is set,
// posix_acl_chmod when the mode changes.
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Saves;

namespace BupFs.Staging;

/// <summary>Reads and changes the ACLs held in a staged node's bup metadata record.</summary>
internal static class StagedAcl
{
    private const uint PermissionBits = 0x1FF;

    /// <summary>True for system.posix_acl_access and system.posix_acl_default.</summary>
    public static bool IsAclName(ReadOnlySpan<byte> name) =>
        name.SequenceEqual(ExtendedAttributes.AclAccess) || name.SequenceEqual(ExtendedAttributes.AclDefault);

    /// <summary>
    /// setxattr of an ACL name: <paramref name="value"/> is the kernel's binary form. An access ACL sets
    /// the mode's permission bits and is dropped when the mode says it all; a value without entries
    /// removes the ACL, as on Linux.
    /// </summary>
    /// <exception cref="FsException">InvalidArgument for a malformed value; AccessDenied for a default ACL on a non-directory.</exception>
    public static void Set(BupMetadata metadata, NodeKind kind, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, IUserNames? names)
    {
        var entries = PosixAclValue.Parse(value) ?? throw new FsException(FsError.InvalidArgument, "malformed POSIX ACL value");
        var isDefault = name.SequenceEqual(ExtendedAttributes.AclDefault);
        if (isDefault && kind != NodeKind.Directory)
        {
            if (entries.Count == 0)
            {
                return; // removing what cannot exist succeeds, as set_posix_acl says
            }

            throw new FsException(FsError.AccessDenied, "only directories have a default ACL");
        }

        var (access, @default) = Current(metadata, kind);
        if (isDefault)
        {
            @default = entries.Count == 0 ? null : entries;
        }
        else
        {
            access = entries.Count == 0 ? null : UpdateMode(metadata, entries);
        }

        Store(metadata, kind, access, @default, names);
    }

    /// <summary>removexattr of an ACL name; removing an ACL that is not there succeeds, as on Linux.</summary>
    public static void Remove(BupMetadata metadata, NodeKind kind, ReadOnlySpan<byte> name, IUserNames? names)
    {
        var (access, @default) = Current(metadata, kind);
        if (name.SequenceEqual(ExtendedAttributes.AclDefault))
        {
            @default = null;
        }
        else
        {
            access = null;
        }

        Store(metadata, kind, access, @default, names);
    }

    /// <summary>
    /// After a chmod (posix_acl_chmod): the access ACL's owner, mask (or owning group when there is
    /// no mask) and other entries take the new mode's bits; the default ACL is left alone.
    /// </summary>
    public static void Chmod(BupMetadata metadata, NodeKind kind, IUserNames? names)
    {
        if (metadata.Acl is null && !metadata.Xattrs.Any(a => IsAclName(a.Name)))
        {
            return;
        }

        var (access, @default) = Current(metadata, kind);
        if (access is not null)
        {
            var hasMask = access.Exists(e => e.Tag == AclEntry.Mask);
            access = access.ConvertAll(e => e.Tag switch
            {
                AclEntry.UserObj => e with { Permissions = (ushort)((metadata.Mode >> 6) & 7) },
                AclEntry.Mask => e with { Permissions = (ushort)((metadata.Mode >> 3) & 7) },
                AclEntry.GroupObj when !hasMask => e with { Permissions = (ushort)((metadata.Mode >> 3) & 7) },
                AclEntry.Other => e with { Permissions = (ushort)(metadata.Mode & 7) },
                _ => e,
            });
        }

        Store(metadata, kind, access, @default, names);
    }

    /// <summary>
    /// Before other xattrs are recorded for a node whose ACLs only the text record holds (a save by bup
    /// without pyxattr): adds their raw values, as bup save would list them, so bup restore, which
    /// makes the xattrs equal to the recorded ones, does not remove the ACLs again.
    /// </summary>
    public static void AddMissingRaw(BupMetadata metadata, NodeKind kind)
    {
        if (metadata.Acl is null)
        {
            return;
        }

        var (access, @default) = Current(metadata, kind);
        var xattrs = metadata.Xattrs.ToList();
        AddIfMissing(xattrs, ExtendedAttributes.AclAccess, access);
        AddIfMissing(xattrs, ExtendedAttributes.AclDefault, @default);
        metadata.Xattrs = xattrs;
    }

    private static void AddIfMissing(List<ExtendedAttribute> xattrs, byte[] name, List<AclEntry>? entries)
    {
        if (entries is not null && !xattrs.Exists(a => a.Name.AsSpan().SequenceEqual(name)))
        {
            xattrs.Add(new ExtendedAttribute(name, PosixAclXattr.Encode(entries)));
        }
    }

    // posix_acl_equiv_mode: owner, owning group (or mask) and other give the permission bits; an ACL
    // without mask or named entries says nothing more than those bits and is not kept (null).
    private static List<AclEntry>? UpdateMode(BupMetadata metadata, List<AclEntry> access)
    {
        uint bits = 0;
        foreach (var entry in access)
        {
            bits = entry.Tag switch
            {
                AclEntry.UserObj => bits | ((uint)entry.Permissions << 6),
                AclEntry.GroupObj or AclEntry.Mask => (bits & ~0x38u) | ((uint)entry.Permissions << 3),
                AclEntry.Other => bits | entry.Permissions,
                _ => bits,
            };
        }

        metadata.Mode = (metadata.Mode & ~PermissionBits) | bits;
        return access.Exists(e => e.IsNamed || e.Tag == AclEntry.Mask) ? access : null;
    }

    // The ACLs now recorded: the raw xattr values when bup recorded them (they are what the kernel
    // showed), else the numeric texts. An access ACL of the three base entries counts as none.
    private static (List<AclEntry>? Access, List<AclEntry>? Default) Current(BupMetadata metadata, NodeKind kind)
    {
        var access = Recorded(metadata, ExtendedAttributes.AclAccess, metadata.Acl?.AccessNumeric);
        var @default = kind != NodeKind.Directory ? null
            : Recorded(metadata, ExtendedAttributes.AclDefault, metadata.Acl is { HasDefault: true } acl ? acl.DefaultNumeric : null);
        return (access is { Count: > 3 } ? access : null, @default is { Count: > 0 } ? @default : null);
    }

    private static List<AclEntry>? Recorded(BupMetadata metadata, byte[] name, byte[]? text)
    {
        var recorded = metadata.Xattrs.Where(a => a.Name.AsSpan().SequenceEqual(name)).Select(a => a.Value).FirstOrDefault();
        var raw = recorded ?? (text is { Length: > 0 } ? PosixAclXattr.FromText(text) : null);
        return raw is null ? null : PosixAclValue.Parse(raw);
    }

    // Writes both forms. bup records an ACL record when acl_extended_file says the node has an ACL
    // beyond its mode: then the access text is always there (the three base entries from the mode
    // when only a default ACL exists), and directories add the default text, empty when none.
    private static void Store(BupMetadata metadata, NodeKind kind, List<AclEntry>? access, List<AclEntry>? @default, IUserNames? names)
    {
        var xattrs = metadata.Xattrs.ToList();
        SetRaw(xattrs, ExtendedAttributes.AclAccess, access);
        SetRaw(xattrs, ExtendedAttributes.AclDefault, @default);
        metadata.Xattrs = xattrs;
        if (access is null && @default is null)
        {
            metadata.Acl = null;
            return;
        }

        var shown = access ?? BaseEntries(metadata.Mode);
        metadata.Acl = kind == NodeKind.Directory && @default is not null
            ? new PosixAcl(PosixAclText.Format(shown, names), PosixAclText.Format(shown, null),
                PosixAclText.Format(@default, names), PosixAclText.Format(@default, null))
            : new PosixAcl(PosixAclText.Format(shown, names), PosixAclText.Format(shown, null));
    }

    // The raw value keeps its place in the recorded order when it is replaced; a new one goes last.
    private static void SetRaw(List<ExtendedAttribute> xattrs, byte[] name, List<AclEntry>? entries)
    {
        var index = xattrs.FindIndex(a => a.Name.AsSpan().SequenceEqual(name));
        if (entries is null)
        {
            if (index >= 0)
            {
                xattrs.RemoveAt(index);
            }

            return;
        }

        var attribute = new ExtendedAttribute(name, PosixAclXattr.Encode(entries));
        if (index >= 0)
        {
            xattrs[index] = attribute;
        }
        else
        {
            xattrs.Add(attribute);
        }
    }

    // acl_get_file's answer for a node without an access ACL: owner, owning group and other from the mode.
    private static List<AclEntry> BaseEntries(uint mode) =>
    [
        new(AclEntry.UserObj, (ushort)((mode >> 6) & 7), AclEntry.UndefinedId),
        new(AclEntry.GroupObj, (ushort)((mode >> 3) & 7), AclEntry.UndefinedId),
        new(AclEntry.Other, (ushort)(mode & 7), AclEntry.UndefinedId),
    ];
}
