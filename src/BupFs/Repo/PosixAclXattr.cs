// POSIX ACL text (libacl acl_to_any_text, as bup records it: docs/formats/bupm.md, "The POSIX ACL record (tag 11)") <->
// the binary value Linux exposes as system.posix_acl_access / _default (include/uapi/linux/posix_acl_xattr.h).
// Values written through a staging mount are untrusted: Parse checks them as the kernel's
// posix_acl_from_xattr and posix_acl_valid (fs/posix_acl.c) do.
using System.Buffers.Binary;

namespace BupFs.Repo;

/// <summary>
/// Converts ACL text such as <c>u::rw-,u:1234:r--,g::r--,m::r--,o::r--</c> to the kernel's
/// xattr form: a little-endian u32 version 2, then per entry u16 tag, u16 permissions, u32 id,
/// sorted by tag then id as the kernel keeps them.
/// </summary>
internal static class PosixAclXattr
{
    private const uint Version = 2;
    private const int HeaderSize = 4;
    private const int EntrySize = 8;
    private const int MaxEntries = 4096;

    /// <summary>The xattr value for ACL text with numeric ids; null when the text cannot be parsed.</summary>
    public static byte[]? FromText(ReadOnlySpan<byte> text)
    {
        var entries = new List<AclEntry>();
        foreach (var range in text.Split((byte)','))
        {
            var item = text[range].Trim((byte)' ');
            if (item.IsEmpty)
            {
                continue;
            }

            if (entries.Count >= MaxEntries || !TryParseEntry(item, out var entry))
            {
                return null;
            }

            entries.Add(entry);
        }

        return entries.Count == 0 ? null : Encode(entries);
    }

    /// <summary>The xattr value of <paramref name="entries"/>, sorted by tag then id as the kernel keeps them.</summary>
    public static byte[] Encode(IEnumerable<AclEntry> entries)
    {
        var sorted = entries.ToList();
        sorted.Sort(static (a, b) => a.Tag != b.Tag ? a.Tag.CompareTo(b.Tag) : a.Id.CompareTo(b.Id));
        var value = new byte[HeaderSize + (sorted.Count * EntrySize)];
        BinaryPrimitives.WriteUInt32LittleEndian(value, Version);
        for (var i = 0; i < sorted.Count; i++)
        {
            var slot = value.AsSpan(HeaderSize + (i * EntrySize), EntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(slot, sorted[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(slot[2..], sorted[i].Permissions);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[4..], sorted[i].Id);
        }

        return value;
    }

    // "tag:qualifier:perms"; libacl's long tag words are accepted as well as the abbreviations.
    private static bool TryParseEntry(ReadOnlySpan<byte> item, out AclEntry entry)
    {
        entry = default;
        var first = item.IndexOf((byte)':');
        var second = first < 0 ? -1 : item[(first + 1)..].IndexOf((byte)':');
        if (second < 0)
        {
            return false;
        }

        second += first + 1;
        var tagText = item[..first];
        var qualifier = item[(first + 1)..second];
        if (!TryParsePermissions(item[(second + 1)..], out var permissions))
        {
            return false;
        }

        var hasId = !qualifier.IsEmpty;
        ushort tag = tagText switch
        {
            var t when t.SequenceEqual("u"u8) || t.SequenceEqual("user"u8) => hasId ? AclEntry.User : AclEntry.UserObj,
            var t when t.SequenceEqual("g"u8) || t.SequenceEqual("group"u8) => hasId ? AclEntry.Group : AclEntry.GroupObj,
            var t when t.SequenceEqual("m"u8) || t.SequenceEqual("mask"u8) => AclEntry.Mask,
            var t when t.SequenceEqual("o"u8) || t.SequenceEqual("other"u8) => AclEntry.Other,
            _ => 0,
        };
        if (tag == 0 || (hasId && tag is AclEntry.Mask or AclEntry.Other) || !TryParseId(qualifier, out var id))
        {
            return false;
        }

        entry = new AclEntry(tag, permissions, hasId ? id : AclEntry.UndefinedId);
        return true;
    }

    private static bool TryParseId(ReadOnlySpan<byte> text, out uint id)
    {
        id = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9' || id > (uint.MaxValue - 9) / 10)
            {
                return false;
            }

            id = (id * 10) + (uint)(c - '0');
        }

        return true;
    }

    private static bool TryParsePermissions(ReadOnlySpan<byte> text, out ushort permissions)
    {
        permissions = 0;
        foreach (var c in text)
        {
            permissions |= c switch
            {
                (byte)'r' => 4,
                (byte)'w' => 2,
                (byte)'x' => 1,
                (byte)'-' => 0,
                _ => ushort.MaxValue,
            };
        }

        return permissions <= 7 && !text.IsEmpty;
    }
}
