namespace BupBackup.Index;

/// <summary>Byte paths compared by content, for sets of paths.</summary>
internal sealed class ByteArrayEquality : IEqualityComparer<byte[]>
{
    /// <summary>The one instance.</summary>
    public static ByteArrayEquality Instance { get; } = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
