// Which entries of a save the view shows as one inode. bup records a hardlink target per entry
// (docs/formats/saved-trees.md, "Hard links"), but a target alone does not make entries one file: a
// set of links that changes between `bup index` and `bup save` gives members that were other files
// when saved the same target. bup restore therefore links an entry only to an earlier one with the
// same object, mode, times and inode-level metadata (cmd/restore.py hardlink_compatible,
// metadata.py same_file); the view groups by exactly that, so the mount and restore agree with it.
using System.Buffers.Binary;
using System.IO.Hashing;
using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>The hardlink group key of an entry: its recorded target plus a digest of what bup compares.</summary>
internal static class HardlinkGroupKey
{
    /// <summary>
    /// <paramref name="target"/>, a 0 byte (never part of a path), then a 128-bit XxHash of the
    /// object id and the fields bup's hardlink_compatible compares. Deterministic, so inode numbers
    /// derived from it are the same in every mount.
    /// </summary>
    public static byte[] For(byte[] target, ObjectId id, BupMetadata metadata)
    {
        var hash = new XxHash128();
        Span<byte> scratch = stackalloc byte[ObjectId.Size];
        id.WriteTo(scratch);
        hash.Append(scratch);
        AppendNumber(hash, metadata.Mode);
        AppendNumber(hash, metadata.Uid);
        AppendNumber(hash, metadata.Gid);
        AppendNumber(hash, metadata.Rdev);
        AppendTime(hash, metadata.Mtime);
        AppendTime(hash, metadata.Ctime);
        AppendNumber(hash, metadata.Size ?? -1);
        AppendNumber(hash, metadata.LinuxAttr ?? 0);
        AppendBytes(hash, metadata.User);
        AppendBytes(hash, metadata.Group);
        AppendAcl(hash, metadata.Acl);
        AppendNumber(hash, metadata.Xattrs.Count);
        foreach (var xattr in metadata.Xattrs)
        {
            AppendBytes(hash, xattr.Name);
            AppendBytes(hash, xattr.Value);
        }

        var key = new byte[target.Length + 1 + 16];
        target.CopyTo(key, 0);
        hash.GetCurrentHash(key.AsSpan(target.Length + 1));
        return key;
    }

    private static void AppendAcl(XxHash128 hash, PosixAcl? acl)
    {
        AppendNumber(hash, acl is null ? 0 : 1);
        if (acl is not null)
        {
            AppendBytes(hash, acl.Access);
            AppendBytes(hash, acl.AccessNumeric);
            AppendBytes(hash, acl.Default);
            AppendBytes(hash, acl.DefaultNumeric);
        }
    }

    private static void AppendTime(XxHash128 hash, BupTimespec time)
    {
        AppendNumber(hash, time.Seconds);
        AppendNumber(hash, time.Nanoseconds);
    }

    private static void AppendNumber(XxHash128 hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        hash.Append(bytes);
    }

    // Length first, so that field boundaries cannot shift between two different records.
    private static void AppendBytes(XxHash128 hash, byte[]? value)
    {
        AppendNumber(hash, value?.Length ?? 0);
        hash.Append(value ?? []);
    }
}
