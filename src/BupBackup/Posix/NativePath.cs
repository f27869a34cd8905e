// Byte paths at the native boundary: names stay bytes (docs/formats/vfs-layout.md, "Names are bytes") and become C strings only here.
using BupStore.Objects;

namespace BupBackup.Posix;

/// <summary>Turns byte paths and names into NUL-terminated C strings.</summary>
internal static class NativePath
{
    /// <summary>A NUL-terminated copy of <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The path is empty or contains a NUL byte.</exception>
    public static byte[] Terminate(ReadOnlySpan<byte> path)
    {
        if (path.IsEmpty || path.Contains((byte)0))
        {
            throw new ArgumentException($"not a usable path: '{NameText.Display(path)}'", nameof(path));
        }

        var result = new byte[path.Length + 1];
        path.CopyTo(result);
        return result;
    }

    /// <summary>The bytes of a C string up to (not including) its NUL.</summary>
    public static unsafe byte[] FromCString(byte* text) =>
        text == null ? [] : new ReadOnlySpan<byte>(text, int.MaxValue)[..IndexOfNul(text)].ToArray();

    private static unsafe int IndexOfNul(byte* text)
    {
        var length = 0;
        while (text[length] != 0)
        {
            length++;
        }

        return length;
    }
}
