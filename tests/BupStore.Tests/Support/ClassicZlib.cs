using System.Runtime.InteropServices;

namespace BupStore.Tests.Support;

/// <summary>
/// The system's classic zlib (libz.so.1), which Python's zlib module, and so bup, compresses with:
/// the size bupfs must not exceed at the same level.
/// </summary>
internal static unsafe class ClassicZlib
{
    private static readonly delegate* unmanaged<byte*, nuint*, byte*, nuint, int, int> s_compress2 = Load();

    /// <summary>Whether libz.so.1 could be loaded.</summary>
    public static bool IsAvailable => s_compress2 != null;

    /// <summary>The length of zlib's compress2() stream of <paramref name="data"/> at <paramref name="level"/>.</summary>
    public static long CompressedLength(ReadOnlySpan<byte> data, int level)
    {
        var output = new byte[data.Length + (data.Length / 1000) + 64];
        nuint length = (nuint)output.Length;
        fixed (byte* input = data)
        fixed (byte* o = output)
        {
            Assert.Equal(0, s_compress2(o, &length, input, (nuint)data.Length, level));
        }

        return (long)length;
    }

    private static delegate* unmanaged<byte*, nuint*, byte*, nuint, int, int> Load() =>
        NativeLibrary.TryLoad("libz.so.1", out var library) && NativeLibrary.TryGetExport(library, "compress2", out var export)
            ? (delegate* unmanaged<byte*, nuint*, byte*, nuint, int, int>)export
            : null;
}
