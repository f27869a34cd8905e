// Restores recorded metadata onto an existing path as bup restore does: metadata.py
// apply_to_path (_apply_common_rec, _apply_posix1e_acl_rec, _apply_linux_attr_rec,
// _apply_linux_xattr_rec).
using BupBackup.Posix.Interop;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Posix;

/// <summary>
/// Applies times, owners, permissions, ACLs, Linux attr flags and xattrs to a path, in bup's order.
/// Failures bup treats as non-fatal (permission denied, unsupported, unknown ACL names) are
/// returned as warnings and skip only the affected part; anything else throws
/// <see cref="PosixException"/>. Thread-safe (no shared state besides the name caches).
/// </summary>
public static class MetadataApplier
{
    /// <summary>Applies <paramref name="metadata"/>, restoring owners only when running as root.</summary>
    public static IReadOnlyList<string> Apply(byte[] path, BupMetadata metadata, bool numericIds) =>
        Apply(path, metadata, numericIds, PosixFiles.IsSuperuser);

    /// <summary>
    /// Applies <paramref name="metadata"/> to the existing <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The restored node (not followed if it is a symlink, except by chmod, which
    /// bup skips for symlinks).</param>
    /// <param name="metadata">What to restore; a mode of 0 ("no metadata") yields a warning only.</param>
    /// <param name="numericIds">Use the recorded uid/gid and numeric ACL texts rather than looking up
    /// the recorded user and group names.</param>
    /// <param name="restoreOwners">True when privileged (bup: superuser): set owner and group. False: only
    /// set a group the process belongs to.</param>
    /// <returns>Non-fatal problems, one line each, in the order met.</returns>
    public static IReadOnlyList<string> Apply(byte[] path, BupMetadata metadata, bool numericIds, bool restoreOwners)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(metadata);
        var warnings = new List<string>();
        if (metadata.Mode == 0)
        {
            warnings.Add($"no metadata - cannot apply to {NameText.Display(path)}");
            return warnings;
        }

        if (!Enum.IsDefined(metadata.FileType) || metadata.FileType == PosixFileType.None)
        {
            warnings.Add($"not applying metadata to \"{NameText.Display(path)}\" with unrecognized mode 0x{metadata.Mode:x}");
            return warnings;
        }

        ApplyCommon(path, metadata, numericIds, restoreOwners, warnings);
        ApplyAcl(path, metadata, numericIds, warnings);
        ApplyLinuxAttr(path, metadata, warnings);
        ApplyXattrs(path, metadata, warnings);
        return warnings;
    }

    // Times first, then owners, then permissions: chown clears set-id bits, so chmod must come last.
    private static void ApplyCommon(byte[] path, BupMetadata metadata, bool numericIds, bool restoreOwners, List<string> warnings)
    {
        var isSymlink = metadata.FileType == PosixFileType.Symlink;
        try
        {
            PosixFiles.SetTimes(path, metadata.Atime, metadata.Mtime, followSymlinks: !isSymlink);
        }
        catch (PosixException e) when (e.Errno == Errno.EACCES)
        {
            warnings.Add(e.Message);
            return;
        }

        var (uid, gid) = restoreOwners ? OwnersAsRoot(metadata, numericIds) : (-1, GroupAsUser(metadata, numericIds));
        if (uid != -1 || gid != -1)
        {
            try
            {
                PosixFiles.LChown(path, uid, gid);
            }
            catch (PosixException e) when (e.Errno == Errno.EPERM)
            {
                warnings.Add(e.Message);
            }
        }

        if (!isSymlink)
        {
            PosixFiles.Chmod(path, metadata.Permissions);
        }
    }

    // Names win over recorded ids unless asked otherwise, except for id 0 (root stays root).
    private static (long Uid, long Gid) OwnersAsRoot(BupMetadata metadata, bool numericIds)
    {
        long uid = metadata.Uid, gid = metadata.Gid;
        if (!numericIds)
        {
            if (metadata.Uid != 0 && UserDatabase.UserId(metadata.User) is { } named)
            {
                uid = named;
            }

            if (metadata.Gid != 0 && UserDatabase.GroupId(metadata.Group) is { } group)
            {
                gid = group;
            }
        }

        return (uid, gid);
    }

    // Unprivileged: bup only sets a group the process is a member of, by id or by name.
    private static long GroupAsUser(BupMetadata metadata, bool numericIds)
    {
        var groups = PosixFiles.GetGroups();
        long gid = groups.Any(g => g == metadata.Gid) ? metadata.Gid : -1;
        if (!numericIds && metadata.Gid != 0 && metadata.Group.Length != 0)
        {
            var member = groups.Any(g => UserDatabase.GroupName(g) is { } name && name.AsSpan().SequenceEqual(metadata.Group));
            if (member && UserDatabase.GroupId(metadata.Group) is { } named)
            {
                gid = named;
            }
        }

        return gid;
    }

    private static void ApplyAcl(byte[] path, BupMetadata metadata, bool numericIds, List<string> warnings)
    {
        if (metadata.Acl is not { } acl)
        {
            return;
        }

        if (!PosixAcls.IsAvailable)
        {
            warnings.Add($"{NameText.Display(path)}: can't restore ACLs; posix1e support missing.");
            return;
        }

        try
        {
            var access = numericIds ? acl.AccessNumeric : acl.Access;
            var @default = numericIds ? acl.DefaultNumeric : acl.Default;
            PosixAcls.Apply(path, access, @default, acl.HasDefault);
        }
        catch (PosixException e) when (e.Errno is Errno.EINVAL or Errno.EPERM or Errno.EOPNOTSUPP)
        {
            warnings.Add($"POSIX1e ACL: can't apply {acl} to {NameText.Display(path)}: {e.Message}");
        }
    }

    private static void ApplyLinuxAttr(byte[] path, BupMetadata metadata, List<string> warnings)
    {
        if (metadata.LinuxAttr is not { } flags || flags == 0)
        {
            return;
        }

        try
        {
            LinuxFileAttributes.Set(path, flags);
        }
        catch (PosixException e) when (e.Errno is Errno.EACCES or Errno.ENOTTY or Errno.EOPNOTSUPP or Errno.ENOSYS or Errno.EINVAL)
        {
            warnings.Add($"Linux chattr: {e.Message} (0x{flags:x})");
        }
    }

    // Sets what differs, then removes attributes the record does not have. An empty record leaves
    // existing attributes alone, as bup does.
    private static void ApplyXattrs(byte[] path, BupMetadata metadata, List<string> warnings)
    {
        if (metadata.Xattrs.Count == 0)
        {
            return;
        }

        try
        {
            var existing = ExtendedAttributes.List(path);
            foreach (var xattr in metadata.Xattrs)
            {
                if (ExtendedAttributes.Get(path, xattr.Name) is not { } value || !value.AsSpan().SequenceEqual(xattr.Value))
                {
                    ExtendedAttributes.Set(path, xattr.Name, xattr.Value);
                }

                existing.RemoveAll(name => name.AsSpan().SequenceEqual(xattr.Name));
            }

            existing.ForEach(name => ExtendedAttributes.Remove(path, name));
        }
        catch (PosixException e) when (e.Errno is Errno.EACCES or Errno.EPERM or Errno.EOPNOTSUPP)
        {
            warnings.Add($"xattr: {e.Message}");
        }
    }
}
