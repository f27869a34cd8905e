using System.Security.Cryptography;
using BupStore.Objects;
using Microsoft.Win32.SafeHandles;

namespace BupStore.Formats;

/// <summary>
/// The SHA-1 of a range of a file, read positionally: the trailer of a pack is this over everything
/// before it, computed once when a pack is sealed and again when one is verified.
/// </summary>
internal static class FileChecksum
{
    private const int ReadSize = 1 << 20;

    /// <summary>
    /// SHA-1 of bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// of the file; null when the file ends before the range does.
    /// </summary>
    public static ObjectId? Compute(SafeFileHandle handle, long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var buffer = new byte[(int)Math.Min(ReadSize, Math.Max(length, 1))];
        for (long done = 0; done < length;)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done)), offset + done);
            if (n <= 0)
            {
                return null;
            }

            sha1.AppendData(buffer, 0, n);
            done += n;
        }

        Span<byte> raw = stackalloc byte[ObjectId.Size];
        sha1.GetHashAndReset(raw);
        return ObjectId.FromBytes(raw);
    }
}
