using System.Security.Cryptography;

namespace BupStore.Objects;

/// <summary>Computes git object ids: SHA-1 over "&lt;type&gt; &lt;size&gt;\0" and the content.</summary>
/// <remarks>Thread-safe: each thread reuses its own incremental hash.</remarks>
public static class ObjectHasher
{
    private const int ScratchSize = 64 * 1024;

    [ThreadStatic]
    private static IncrementalHash? _sha1;

    [ThreadStatic]
    private static byte[]? _scratch;

    /// <summary>The id the object (type, content) has in any git repository.</summary>
    public static ObjectId Compute(ObjectType type, ReadOnlySpan<byte> content)
    {
        Span<byte> header = stackalloc byte[32];
        var length = WriteHeader(type, content.Length, header);
        Span<byte> raw = stackalloc byte[ObjectId.Size];
        if (content.Length <= ScratchSize - 32)
        {
            // One-shot hashing of a copy beats incremental hashing of two pieces for chunk-sized data.
            var scratch = _scratch ??= new byte[ScratchSize];
            header[..length].CopyTo(scratch);
            content.CopyTo(scratch.AsSpan(length));
            SHA1.HashData(scratch.AsSpan(0, length + content.Length), raw);
            return ObjectId.FromBytes(raw);
        }

        var sha1 = _sha1 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(header[..length]);
        sha1.AppendData(content);
        sha1.GetHashAndReset(raw);
        return ObjectId.FromBytes(raw);
    }

    /// <summary>Writes the loose-object header "&lt;type&gt; &lt;size&gt;\0"; returns its length.</summary>
    public static int WriteHeader(ObjectType type, long size, Span<byte> destination)
    {
        var name = ObjectTypes.Name(type);
        name.CopyTo(destination);
        destination[name.Length] = (byte)' ';
        // Formatted in place: every object read is hashed, so no string or array per call.
        size.TryFormat(destination[(name.Length + 1)..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        destination[name.Length + 1 + digits] = 0;
        return name.Length + digits + 2;
    }
}
