using System.Buffers;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// Git tree bodies: "&lt;octal mode&gt; &lt;name&gt;\0&lt;20-byte id&gt;" repeated, sorted by git's rule
/// (names compared byte-wise, a tree entry's name as if followed by '/').
/// See docs/formats/objects.md, "Trees"; matches git's tree.c / bup's git.tree_encode and tree_decode.
/// </summary>
public static class TreeCodec
{
    /// <summary>Parses and validates a tree body. <paramref name="where"/> names the object in errors.</summary>
    /// <exception cref="CorruptObjectException">On any malformed entry, unsafe name or bad order.</exception>
    public static List<TreeEntry> Parse(ReadOnlySpan<byte> body, string where)
    {
        var entries = new List<TreeEntry>();
        var pos = 0;
        TreeEntry? previous = null;
        while (pos < body.Length)
        {
            var entry = ParseEntry(body, ref pos, where);
            if (previous is not null && Compare(previous, entry) >= 0)
            {
                throw new CorruptObjectException(where, $"tree entries out of order or duplicated at '{entry.DisplayName}'", pos);
            }

            entries.Add(entry);
            previous = entry;
        }

        return entries;
    }

    private static TreeEntry ParseEntry(ReadOnlySpan<byte> body, ref int pos, string where)
    {
        var start = pos;
        var space = body[pos..].IndexOf((byte)' ');
        if (space <= 0 || space > 7)
        {
            throw new CorruptObjectException(where, "tree entry without a valid mode", start);
        }

        var mode = ParseMode(body.Slice(pos, space), where, start);
        pos += space + 1;
        var nul = body[pos..].IndexOf((byte)0);
        if (nul < 0 || pos + nul + 1 + ObjectId.Size > body.Length)
        {
            throw new CorruptObjectException(where, "truncated tree entry", start);
        }

        var name = body.Slice(pos, nul);
        CheckName(name, where, start);
        var id = ObjectId.FromBytes(body.Slice(pos + nul + 1, ObjectId.Size));
        pos += nul + 1 + ObjectId.Size;
        return new TreeEntry(mode, name.ToArray(), id);
    }

    private static GitFileMode ParseMode(ReadOnlySpan<byte> text, string where, long offset)
    {
        var value = 0;
        foreach (var c in text)
        {
            if (c < '0' || c > '7')
            {
                throw new CorruptObjectException(where, "tree entry mode is not octal", offset);
            }

            value = (value * 8) + (c - '0');
        }

        // git accepts a few historical modes (100664, 100755, 40000 with padding); normalise as git does.
        return value switch
        {
            0x4000 => GitFileMode.Tree,
            0xA000 => GitFileMode.Symlink,
            0xE000 => GitFileMode.Gitlink,
            _ when (value & 0xF000) == 0x8000 => (value & 0x40) != 0 ? GitFileMode.Executable : GitFileMode.Regular,
            _ => throw new CorruptObjectException(where, $"unknown tree entry mode {Convert.ToString(value, 8)}", offset),
        };
    }

    /// <summary>Rejects names a tree must never hold: empty, ".", "..", or containing '/' (NUL cannot occur).</summary>
    public static void CheckName(ReadOnlySpan<byte> name, string where, long offset = -1)
    {
        if (name.IsEmpty || name.SequenceEqual("."u8) || name.SequenceEqual(".."u8) || name.Contains((byte)'/') || name.Contains((byte)0))
        {
            throw new CorruptObjectException(where, $"unsafe tree entry name '{NameText.Display(name)}'", offset);
        }
    }

    /// <summary>Encodes entries (in any order) as a tree body sorted by git's rule.</summary>
    public static byte[] Format(IEnumerable<TreeEntry> entries)
    {
        var sorted = entries.ToList();
        sorted.Sort(Compare);
        var output = new ArrayBufferWriter<byte>(Math.Max(64, sorted.Count * 40));
        Span<byte> modeText = stackalloc byte[8];
        for (var i = 0; i < sorted.Count; i++)
        {
            var e = sorted[i];
            CheckName(e.Name, "new tree");
            if (i > 0 && Compare(sorted[i - 1], e) == 0)
            {
                throw new ArgumentException($"duplicate tree entry name '{e.DisplayName}'", nameof(entries));
            }

            var modeLength = WriteMode(e.Mode, modeText);
            var dest = output.GetSpan(modeLength + 1 + e.Name.Length + 1 + ObjectId.Size);
            modeText[..modeLength].CopyTo(dest);
            dest[modeLength] = (byte)' ';
            e.Name.CopyTo(dest[(modeLength + 1)..]);
            dest[modeLength + 1 + e.Name.Length] = 0;
            e.Id.WriteTo(dest[(modeLength + 2 + e.Name.Length)..]);
            output.Advance(modeLength + 2 + e.Name.Length + ObjectId.Size);
        }

        return output.WrittenSpan.ToArray();
    }

    private static int WriteMode(GitFileMode mode, Span<byte> dest)
    {
        var text = Convert.ToString((int)mode, 8);
        for (var i = 0; i < text.Length; i++)
        {
            dest[i] = (byte)text[i];
        }

        return text.Length;
    }

    /// <summary>git's tree order: byte-wise, with a tree's name compared as if it ended in '/'.</summary>
    public static int Compare(TreeEntry x, TreeEntry y) =>
        CompareNames(x.Name, x.IsTree, y.Name, y.IsTree);

    /// <summary>git's tree order for bare names and tree flags.</summary>
    public static int CompareNames(ReadOnlySpan<byte> a, bool aIsTree, ReadOnlySpan<byte> b, bool bIsTree)
    {
        var common = Math.Min(a.Length, b.Length);
        var c = a[..common].SequenceCompareTo(b[..common]);
        if (c != 0)
        {
            return c;
        }

        int ca = a.Length > common ? a[common] : (aIsTree ? '/' : 0);
        int cb = b.Length > common ? b[common] : (bIsTree ? '/' : 0);
        return ca.CompareTo(cb);
    }
}
