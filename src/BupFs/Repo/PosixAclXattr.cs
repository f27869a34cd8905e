// POSIX ACL text (libacl acl_to_any_text, as bup records it: docs/formats/bupm.md, "The POSIX ACL record (tag 11)") -> the
// binary value Linux exposes as system.posix_acl_access / _default (include/uapi/linux/posix_acl_xattr.h).
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
    private const uint UndefinedId = 0xFFFFFFFF;
    private const ushort UserObj = 0x01, User = 0x02, GroupObj = 0x04, Group = 0x08, Mask = 0x10, Other = 0x20;
    private const int EntrySize = 8;
    private const int MaxEntries = 4096;

    /// <summary>The xattr value for ACL text with numeric ids; null when the text cannot be parsed.</summary>
    public static byte[]? FromText(ReadOnlySpan<byte> text)
    {
        var entries = new List<(ushort Tag, uint Id, ushort Permissions)>();
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

    private static byte[] Encode(List<(ushort Tag, uint Id, ushort Permissions)> entries)
    {
        entries.Sort(static (a, b) => a.Tag != b.Tag ? a.Tag.CompareTo(b.Tag) : a.Id.CompareTo(b.Id));
        var value = new byte[4 + (entries.Count * EntrySize)];
        BinaryPrimitives.WriteUInt32LittleEndian(value, Version);
        for (var i = 0; i < entries.Count; i++)
        {
            var slot = value.AsSpan(4 + (i * EntrySize), EntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(slot, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(slot[2..], entries[i].Permissions);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[4..], entries[i].Id);
        }

        return value;
    }

    // "tag:qualifier:perms"; libacl's long tag words are accepted as well as the abbreviations.
    private static bool TryParseEntry(ReadOnlySpan<byte> item, out (ushort Tag, uint Id, ushort Permissions) entry)
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
            var t when t.SequenceEqual("u"u8) || t.SequenceEqual("user"u8) => hasId ? User : UserObj,
            var t when t.SequenceEqual("g"u8) || t.SequenceEqual("group"u8) => hasId ? Group : GroupObj,
            var t when t.SequenceEqual("m"u8) || t.SequenceEqual("mask"u8) => Mask,
            var t when t.SequenceEqual("o"u8) || t.SequenceEqual("other"u8) => Other,
            _ => 0,
        };
        if (tag == 0 || (hasId && tag is Mask or Other) || !TryParseId(qualifier, out var id))
        {
            return false;
        }

        entry = (tag, hasId ? id : UndefinedId, permissions);
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
