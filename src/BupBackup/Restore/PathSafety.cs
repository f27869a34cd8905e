// Names from the repository are untrusted: a restore must never write outside its destination.
using BupStore.Objects;

namespace BupBackup.Restore;

/// <summary>Checks entry names before they become destination paths. Stateless.</summary>
internal static class PathSafety
{
    /// <summary>Why <paramref name="name"/> cannot be a directory entry below the destination, or null when it can.</summary>
    public static string? Problem(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return "refusing an entry with an empty name";
        }

        if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
        {
            return $"refusing an entry named '{NameText.Display(name)}': it would name a directory outside the entry";
        }

        if (name.Contains((byte)'/'))
        {
            return $"refusing an entry named '{NameText.Display(name)}': names with '/' could reach outside the destination";
        }

        return name.Contains((byte)0) ? $"refusing an entry named '{NameText.Display(name)}': names cannot hold NUL" : null;
    }

    /// <summary><paramref name="parent"/> + '/' + <paramref name="name"/>; just the name when the parent is empty.</summary>
    public static byte[] Join(ReadOnlySpan<byte> parent, ReadOnlySpan<byte> name) =>
        parent.IsEmpty ? name.ToArray() : [.. parent, (byte)'/', .. name];
}
