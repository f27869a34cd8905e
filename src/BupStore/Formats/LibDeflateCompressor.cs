// libdeflate's whole-buffer zlib compressor. bup compresses with classic zlib (Python's zlib module,
// level 1 by default: git.py _encode_packobj); .NET ships zlib-ng, whose level 1 ("deflate_quick")
// wrote 20% more pack than classic zlib level 1 on real files, and whose level 2 matches classic
// level 1 in size at half the speed. libdeflate at the same level is smaller than classic zlib and
// faster than zlib-ng's level 1 (docs/benchmarks.md, "Compression"). Loaded by name at run time
// (Debian's libdeflate0, already used for inflate); ZlibCodec falls back to zlib-ng without it.
using System.Runtime.InteropServices;

namespace BupStore.Formats;

/// <summary>Whole-buffer zlib compression through libdeflate, one compressor per thread.</summary>
/// <remarks>Thread-safe through thread-local state.</remarks>
internal sealed unsafe class LibDeflateCompressor
{
    private static readonly Api? s_api = Api.Load();

    [ThreadStatic]
    private static LibDeflateCompressor? t_current;

    private readonly nint _compressor;
    private readonly int _level;

    private LibDeflateCompressor(nint compressor, int level)
    {
        _compressor = compressor;
        _level = level;
    }

    ~LibDeflateCompressor() => s_api!.Free(_compressor);

    /// <summary>Whether libdeflate could be loaded in this process.</summary>
    public static bool IsAvailable => s_api is not null;

    /// <summary>
    /// Appends one complete zlib stream of <paramref name="data"/> at zlib level
    /// <paramref name="level"/> (1..9) to <paramref name="output"/>; false, with
    /// <paramref name="output"/> unchanged, when libdeflate is missing or fails.
    /// </summary>
    public static bool TryCompress(ReadOnlySpan<byte> data, int level, MemoryStream output)
    {
        if (s_api is null || For(s_api, level) is not { } compressor)
        {
            return false;
        }

        var start = (int)output.Length;
        var bound = (int)s_api.Bound(compressor._compressor, (nuint)data.Length);
        output.SetLength(start + bound);
        if (!output.TryGetBuffer(out var buffer))
        {
            output.SetLength(start);
            return false;
        }

        nuint written;
        fixed (byte* input = data)
        fixed (byte* o = buffer.AsSpan(start, bound))
        {
            written = s_api.Compress(compressor._compressor, input, (nuint)data.Length, o, (nuint)bound);
        }

        // 0 means "did not fit", which the bound rules out; treat it as a failure all the same.
        output.SetLength(start + (int)written);
        output.Position = output.Length;
        return written != 0;
    }

    private static LibDeflateCompressor? For(Api api, int level)
    {
        if (t_current is { } current && current._level == level)
        {
            return current;
        }

        var compressor = api.Allocate(level);
        return compressor == 0 ? null : t_current = new LibDeflateCompressor(compressor, level);
    }

    /// <summary>The four entry points used, bound once per process.</summary>
    private sealed class Api
    {
        private readonly delegate* unmanaged<int, nint> _allocate;
        private readonly delegate* unmanaged<nint, void> _free;
        private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint> _compress;
        private readonly delegate* unmanaged<nint, nuint, nuint> _bound;

        private Api(nint library)
        {
            _allocate = (delegate* unmanaged<int, nint>)NativeLibrary.GetExport(library, "libdeflate_alloc_compressor");
            _free = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "libdeflate_free_compressor");
            _compress = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint>)NativeLibrary.GetExport(library, "libdeflate_zlib_compress");
            _bound = (delegate* unmanaged<nint, nuint, nuint>)NativeLibrary.GetExport(library, "libdeflate_zlib_compress_bound");
        }

        public static Api? Load()
        {
            if (!LibDeflateLibrary.TryLoad(out var library))
            {
                return null;
            }

            try
            {
                return new Api(library);
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
        }

        public nint Allocate(int level) => _allocate(level);

        public void Free(nint compressor) => _free(compressor);

        public nuint Compress(nint c, byte* input, nuint inputLength, byte* output, nuint outputLength) =>
            _compress(c, input, inputLength, output, outputLength);

        public nuint Bound(nint c, nuint inputLength) => _bound(c, inputLength);
    }
}
