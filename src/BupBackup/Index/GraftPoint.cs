using BupStore.Objects;

namespace BupBackup.Index;

/// <summary>
/// One --graft OLD=NEW: whatever is at or below OLD on disk appears at or below NEW in saves.
/// Both sides are absolute and normalized, without a trailing '/' (except the root).
/// </summary>
/// <param name="Old">The real path prefix.</param>
/// <param name="New">The archive path prefix that replaces it.</param>
public sealed record GraftPoint(byte[] Old, byte[] New)
{
    /// <summary>Parses "OLD=NEW" as bup does: exactly one '=', neither side empty, made absolute against <paramref name="cwd"/>.</summary>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static GraftPoint Parse(ReadOnlySpan<byte> text, ReadOnlySpan<byte> cwd)
    {
        var eq = text.IndexOf((byte)'=');
        if (eq < 0 || text[(eq + 1)..].Contains((byte)'='))
        {
            throw new FormatException("a graft point must be of the form old_path=new_path");
        }

        if (eq == 0 || eq == text.Length - 1)
        {
            throw new FormatException("a graft point cannot be empty");
        }

        return new GraftPoint(PathNames.Normalize(text[..eq], cwd), PathNames.Normalize(text[(eq + 1)..], cwd));
    }

    /// <summary>
    /// Maps <paramref name="path"/> (index form: a directory ends in '/') when it is OLD or below it;
    /// null otherwise.
    /// </summary>
    public static byte[]? Map(ReadOnlySpan<byte> path, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        var bare = PathNames.ForSystem(path);
        var fromRoot = from.SequenceEqual("/"u8);
        if (!fromRoot && !bare.AsSpan().SequenceEqual(from) && !bare.AsSpan().StartsWith([.. from, (byte)'/']))
        {
            return null;
        }

        var rest = bare.AsSpan(fromRoot ? 1 : Math.Min(bare.Length, from.Length + 1));
        var mapped = rest.IsEmpty ? to.ToArray() : PathNames.Join(to, rest);
        return path.Length > 0 && path[^1] == (byte)'/' ? PathNames.AsDirectory(mapped) : mapped;
    }

    /// <summary>The archive path for real path <paramref name="path"/>, or null when not below OLD.</summary>
    public byte[]? ToArchive(ReadOnlySpan<byte> path) => Map(path, Old, New);

    /// <summary>The real path for archive path <paramref name="path"/>, or null when not below NEW.</summary>
    public byte[]? ToReal(ReadOnlySpan<byte> path) => Map(path, New, Old);

    /// <inheritdoc/>
    public override string ToString() => $"{NameText.Display(Old)}={NameText.Display(New)}";
}
