using System.Runtime.InteropServices;

namespace BupStore.Formats;

/// <summary>
/// Loads Debian's libdeflate0 (<c>libdeflate.so.0</c>) by name at run time for both the inflater and
/// the compressor: it is optional, so its absence means the zlib paths, never an error.
/// </summary>
internal static class LibDeflateLibrary
{
    /// <summary>
    /// The library's handle, or false when it is absent, the platform is not Linux, or
    /// <c>BUP_NO_LIBDEFLATE=1</c> forces the zlib paths (tests and benchmarks compare both).
    /// </summary>
    public static bool TryLoad(out nint library)
    {
        library = 0;
        return Environment.GetEnvironmentVariable("BUP_NO_LIBDEFLATE") != "1"
            && OperatingSystem.IsLinux()
            && NativeLibrary.TryLoad("libdeflate.so.0", out library);
    }
}
