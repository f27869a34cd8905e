using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// git fsck --strict's tree rules (git's fsck.c fsck_tree), with git's wording: entries parse,
/// modes are exactly 100644, 100755, 120000, 40000 or 160000 (strict refuses 100664 and
/// zero-padded modes), names are not empty (then the tree cannot be parsed), ".", ".." or contain '/', no entry names the null id,
/// entries are in git's order without duplicates (a file and a directory of one name included).
/// ".git" names, which git --strict also refuses, are accepted: a backup of a work tree holds them.
/// </summary>
internal static class StrictTree
{
    /// <summary>git's complaints about the tree body, empty when it is well formed.</summary>
    public static List<string> Check(ReadOnlySpan<byte> body)
    {
        var problems = new List<string>();
        var entries = new List<(byte[] Name, bool IsTree)>();
        var pos = 0;
        while (pos < body.Length)
        {
            if (!TryEntry(body, ref pos, problems, out var name, out var isTree))
            {
                problems.Add("cannot be parsed as a tree");
                return problems;
            }

            entries.Add((name, isTree));
        }

        CheckOrder(entries, problems);
        return problems;
    }

    private static bool TryEntry(ReadOnlySpan<byte> body, ref int pos, List<string> problems, out byte[] name, out bool isTree)
    {
        name = [];
        isTree = false;
        var space = body[pos..].IndexOf((byte)' ');
        if (space <= 0 || space > 7)
        {
            return false;
        }

        var mode = body.Slice(pos, space);
        var rest = pos + space + 1;
        var nul = body[rest..].IndexOf((byte)0);
        // git's tree parser refuses an empty name outright ("empty filename in tree entry").
        if (nul <= 0 || rest + nul + 1 + ObjectId.Size > body.Length || !IsOctal(mode))
        {
            return false;
        }

        name = body.Slice(rest, nul).ToArray();
        isTree = mode.SequenceEqual("40000"u8) || mode.SequenceEqual("040000"u8);
        CheckMode(mode, problems);
        CheckName(name, problems);
        if (ObjectId.FromBytes(body.Slice(rest + nul + 1, ObjectId.Size)).IsZero)
        {
            AddOnce(problems, "contains entries pointing to null sha1");
        }

        pos = rest + nul + 1 + ObjectId.Size;
        return true;
    }

    private static bool IsOctal(ReadOnlySpan<byte> text)
    {
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'7')
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckMode(ReadOnlySpan<byte> mode, List<string> problems)
    {
        if (mode[0] == '0')
        {
            AddOnce(problems, "contains zero-padded file modes");
            return;
        }

        if (!(mode.SequenceEqual("100644"u8) || mode.SequenceEqual("100755"u8) || mode.SequenceEqual("120000"u8)
            || mode.SequenceEqual("40000"u8) || mode.SequenceEqual("160000"u8)))
        {
            AddOnce(problems, "contains bad file modes");
        }
    }

    private static void CheckName(ReadOnlySpan<byte> name, List<string> problems)
    {
        if (name.SequenceEqual("."u8))
        {
            AddOnce(problems, "contains '.'");
        }
        else if (name.SequenceEqual(".."u8))
        {
            AddOnce(problems, "contains '..'");
        }
        else if (name.Contains((byte)'/'))
        {
            AddOnce(problems, "contains full pathnames");
        }
    }

    // A file "a" sorts before "a-b" and "a.c", which sort before the directory "a" ("a/"), so a
    // duplicate name of a file and a directory is not adjacent: look back over names "a" + c, c < '/'.
    private static void CheckOrder(List<(byte[] Name, bool IsTree)> entries, List<string> problems)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            var (name, isTree) = entries[i];
            var order = TreeCodec.CompareNames(entries[i - 1].Name, entries[i - 1].IsTree, name, isTree);
            if (order == 0 || entries[i - 1].Name.AsSpan().SequenceEqual(name) || (isTree && HasFileOfSameName(entries, i)))
            {
                AddOnce(problems, "contains duplicate file entries");
            }
            else if (order > 0)
            {
                AddOnce(problems, "not properly sorted");
            }
        }
    }

    private static bool HasFileOfSameName(List<(byte[] Name, bool IsTree)> entries, int i)
    {
        var name = entries[i].Name;
        for (var j = i - 1; j >= 0; j--)
        {
            var other = entries[j].Name.AsSpan();
            if (!other.StartsWith(name))
            {
                return false;
            }

            if (other.Length == name.Length)
            {
                return true;
            }

            if (other[name.Length] >= '/')
            {
                return false;
            }
        }

        return false;
    }

    private static void AddOnce(List<string> problems, string message)
    {
        if (!problems.Contains(message))
        {
            problems.Add(message);
        }
    }
}
