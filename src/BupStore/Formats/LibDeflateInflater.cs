// libdeflate, where installed, inflates whole buffers about 27% faster than the zlib-ng that .NET
// ships (1,242 -> 1,578 MB/s on one core over the 38k chunks of the mount benchmark's pack), and
// inflate is the largest single cost of reading through the mount. It is optional: loaded by name
// at run time (Debian's libdeflate0), with zlib-ng used whenever it is absent or says no.
using System.Runtime.InteropServices;

namespace BupStore.Formats;

/// <summary>Whole-stream zlib inflate through libdeflate, one decompressor per thread.</summary>
/// <remarks>Thread-safe through thread-local state.</remarks>
internal sealed unsafe class LibDeflateInflater
{
    private const int Success = 0;

    private static readonly Api? s_api = Api.Load();

    [ThreadStatic]
    private static LibDeflateInflater? t_current;

    private readonly nint _decompressor;

    private LibDeflateInflater(nint decompressor) => _decompressor = decompressor;

    ~LibDeflateInflater() => s_api!.Free(_decompressor);

    /// <summary>Whether libdeflate could be loaded in this process.</summary>
    public static bool IsAvailable => s_api is not null;

    /// <summary>
    /// True when <paramref name="input"/> starts with a valid zlib stream (checksum verified) whose
    /// data fills <paramref name="output"/> exactly. False in every other case, including a missing
    /// library: the caller then asks zlib, which also tells which way the stream is wrong.
    /// </summary>
    public static bool TryInflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (s_api is null)
        {
            return false;
        }

        var inflater = t_current ??= Create(s_api);
        if (inflater is null)
        {
            return false;
        }

        nuint used, produced;
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            var result = s_api.Decompress(inflater._decompressor, i, (nuint)input.Length, o, (nuint)output.Length, &used, &produced);
            return result == Success && produced == (nuint)output.Length;
        }
    }

    private static LibDeflateInflater? Create(Api api)
    {
        var decompressor = api.Allocate();
        return decompressor == 0 ? null : new LibDeflateInflater(decompressor);
    }

    /// <summary>The three entry points used, bound once per process.</summary>
    private sealed class Api
    {
        private readonly delegate* unmanaged<nint> _allocate;
        private readonly delegate* unmanaged<nint, void> _free;
        private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint*, nuint*, int> _decompress;

        private Api(nint library)
        {
            _allocate = (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "libdeflate_alloc_decompressor");
            _free = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "libdeflate_free_decompressor");
            _decompress = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint*, nuint*, int>)
                NativeLibrary.GetExport(library, "libdeflate_zlib_decompress_ex");
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
                return null; // older than 1.9, which added the _ex entry point
            }
        }

        public nint Allocate() => _allocate();

        public void Free(nint decompressor) => _free(decompressor);

        public int Decompress(nint d, byte* input, nuint inputLength, byte* output, nuint outputLength, nuint* used, nuint* produced) =>
            _decompress(d, input, inputLength, output, outputLength, used, produced);
    }
}
