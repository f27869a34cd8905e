// The text bup 0.33 records for an ACL (docs/formats/bupm.md, "The POSIX ACL record (tag 11)"): bup's
// _helpers.c bup_read_acl_to_text calls libacl's acl_to_any_text(acl, "", ',', TEXT_ABBREVIATE), and again
// with TEXT_NUMERIC_IDS. libacl (libacl/__acl_to_any_text.c) writes each entry as a one-letter tag, ':',
// the qualifier (a name, or the decimal id when the name is unknown or numeric ids were asked for), ':',
// and "rwx" with '-' for a missing bit; entries are joined by ',' with nothing after the last one, and
// no effective-rights comments. Names are quoted by libmisc/quote.c: ':', ',', space, tab, newline and
// carriage return become a backslash and three octal digits, a backslash is doubled.
using BupStore.Saves;

namespace BupFs.Repo;

/// <summary>Writes ACL entries as the text bup records.</summary>
internal static class PosixAclText
{
    private const string QuotedCharacters = ":, \t\n\r";

    /// <summary>
    /// The text of <paramref name="entries"/> (in the kernel's order): with user and group names from
    /// <paramref name="names"/>, or with numeric ids only when <paramref name="names"/> is null.
    /// </summary>
    public static byte[] Format(IReadOnlyList<AclEntry> entries, IUserNames? names)
    {
        var text = new List<byte>();
        foreach (var entry in entries)
        {
            if (text.Count > 0)
            {
                text.Add((byte)',');
            }

            text.Add(TagLetter(entry.Tag));
            text.Add((byte)':');
            if (entry.IsNamed)
            {
                text.AddRange(Qualifier(entry, names));
            }

            text.Add((byte)':');
            text.Add((entry.Permissions & 4) != 0 ? (byte)'r' : (byte)'-');
            text.Add((entry.Permissions & 2) != 0 ? (byte)'w' : (byte)'-');
            text.Add((entry.Permissions & 1) != 0 ? (byte)'x' : (byte)'-');
        }

        return [.. text];
    }

    private static byte TagLetter(ushort tag) => tag switch
    {
        AclEntry.UserObj or AclEntry.User => (byte)'u',
        AclEntry.GroupObj or AclEntry.Group => (byte)'g',
        AclEntry.Mask => (byte)'m',
        AclEntry.Other => (byte)'o',
        _ => throw new ArgumentOutOfRangeException(nameof(tag), tag, "not an ACL tag"),
    };

    // libacl looks the name up with getpwuid/getgrgid and falls back to the number when there is none.
    private static byte[] Qualifier(AclEntry entry, IUserNames? names)
    {
        var name = names is null ? null
            : entry.Tag == AclEntry.User ? names.UserName(entry.Id) : names.GroupName(entry.Id);
        return name is { Length: > 0 } ? Quote(name)
            : System.Text.Encoding.ASCII.GetBytes(entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static byte[] Quote(byte[] name)
    {
        var quoted = new List<byte>(name.Length);
        foreach (var c in name)
        {
            if (QuotedCharacters.Contains((char)c, StringComparison.Ordinal))
            {
                quoted.AddRange([(byte)'\\', (byte)('0' + (c >> 6)), (byte)('0' + ((c >> 3) & 7)), (byte)('0' + (c & 7))]);
            }
            else if (c == (byte)'\\')
            {
                quoted.AddRange([(byte)'\\', (byte)'\\']);
            }
            else
            {
                quoted.Add(c);
            }
        }

        return [.. quoted];
    }
}
