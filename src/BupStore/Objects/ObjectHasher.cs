using System.Security.Cryptography;

namespace BupStore.Objects;

/// <summary>Computes git object ids: SHA-1 over "&lt;type&gt; &lt;size&gt;\0" and the content.</summary>
/// <remarks>
/// Thread-safe. Hashed by libcrypto's SHA1 functions where they can be bound (<see cref="LibCryptoSha1"/>),
/// else by an incremental hash each thread reuses.
/// </remarks>
public static class ObjectHasher
{
    [ThreadStatic]
    private static IncrementalHash? _sha1;

    /// <summary>The id the object (type, content) has in any git repository.</summary>
    public static ObjectId Compute(ObjectType type, ReadOnlySpan<byte> content)
    {
        Span<byte> header = stackalloc byte[32];
        var length = WriteHeader(type, content.Length, header);
        Span<byte> raw = stackalloc byte[ObjectId.Size];
        if (!LibCryptoSha1.TryHash(header[..length], content, raw))
        {
            // Header and content as two pieces of one reused hash: no copy, no context per call.
            var sha1 = _sha1 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            sha1.AppendData(header[..length]);
            sha1.AppendData(content);
            sha1.GetHashAndReset(raw);
        }

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
