using BupStore.Repository;

namespace BupStore.Formats;

/// <summary>
/// The one exception (a <see cref="RepositoryException"/>) for repository bytes that fail to parse: a damaged pack, idx, midx, bloom,
/// tree, commit or .bupm. The message names the file or object and, where known, the byte offset.
/// </summary>
public sealed class CorruptObjectException : RepositoryException
{
    /// <summary>Creates the exception for a file or object name, an optional offset and a reason.</summary>
    public CorruptObjectException(string where, string reason, long offset = -1)
        : base(offset >= 0 ? $"{where}: corrupt at byte {offset}: {reason}" : $"{where}: corrupt: {reason}")
    {
        Where = where;
        Offset = offset;
    }

    /// <summary>The file path or object id at fault.</summary>
    public string Where { get; }

    /// <summary>The byte offset of the damage, or -1 when unknown.</summary>
    public long Offset { get; }
}
