using System.IO.Compression;
using BupStore.Formats;

namespace BupStore.Tests.Support;

/// <summary>zlib streams built for inflate tests: compressed by .NET's zlib, or stored by ours.</summary>
internal static class ZlibStreams
{
    /// <summary><paramref name="data"/> compressed at <paramref name="level"/>.</summary>
    public static byte[] Deflate(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, level, leaveOpen: true))
        {
            z.Write(data);
        }

        return output.ToArray();
    }

    /// <summary><paramref name="data"/> in stored (uncompressed) deflate blocks, as bup writes incompressible chunks.</summary>
    public static byte[] Stored(byte[] data)
    {
        using var output = new MemoryStream();
        ZlibCodec.WriteStored(data, output);
        return output.ToArray();
    }
}
