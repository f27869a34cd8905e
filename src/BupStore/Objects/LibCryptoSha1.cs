// Every chunk read through the mount is hashed to check it against its id, so SHA-1 is as large a
// cost of a read as inflating. .NET's SHA1.HashData goes through OpenSSL's EVP layer: a context
// allocated, initialised, finalised and freed, and the error queue cleared, for every chunk (~14%
// on top of the hashing itself for the mount benchmark's ~8 KiB chunks), and ObjectHasher then also
// copied each chunk behind its header to make one piece. OpenSSL's own SHA1_Init/Update/Final run
// the same SHA-NI code on a context that lives on the caller's stack: over the benchmark's 38k
// chunks 5,210 -> 4,325 ns per chunk, 1.55 -> 1.86 GB/s, which is `openssl speed sha1`'s own rate.
using System.Runtime.InteropServices;

namespace BupStore.Objects;

/// <summary>SHA-1 through libcrypto's low-level functions, bound at run time.</summary>
/// <remarks>Thread-safe: the only state is on the caller's stack.</remarks>
internal static unsafe class LibCryptoSha1
{
    // SHA_CTX is 96 bytes (5 + 2 + 16 + 1 32-bit words) in every OpenSSL since 0.9.7; twice that is
    // kept so that a build with a larger context cannot write past it.
    private const int ContextSize = 192;

    private static readonly Api? s_api = Api.Load();

    /// <summary>Whether libcrypto could be bound in this process.</summary>
    public static bool IsAvailable => s_api is not null;

    /// <summary>
    /// Writes SHA-1(<paramref name="header"/> + <paramref name="content"/>) to <paramref name="digest"/>
    /// (20 bytes) and returns true; false, with nothing written, when libcrypto is not bound or fails.
    /// </summary>
    public static bool TryHash(ReadOnlySpan<byte> header, ReadOnlySpan<byte> content, Span<byte> digest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digest.Length, ObjectId.Size);
        var api = s_api;
        if (api is null)
        {
            return false;
        }

        var context = stackalloc byte[ContextSize];
        fixed (byte* h = header)
        fixed (byte* c = content)
        fixed (byte* d = digest)
        {
            return api.Init(context) == 1
                && api.Update(context, h, (nuint)header.Length) == 1
                && api.Update(context, c, (nuint)content.Length) == 1
                && api.Final(d, context) == 1;
        }
    }

    /// <summary>The three entry points, bound once per process.</summary>
    private sealed class Api
    {
        // The name .NET itself loads on OpenSSL 3 systems, then the 1.1 one; both export these functions.
        private static readonly string[] Names = ["libcrypto.so.3", "libcrypto.so.1.1"];

        private readonly delegate* unmanaged<byte*, int> _init;
        private readonly delegate* unmanaged<byte*, byte*, nuint, int> _update;
        private readonly delegate* unmanaged<byte*, byte*, int> _final;

        private Api(nint library)
        {
            _init = (delegate* unmanaged<byte*, int>)NativeLibrary.GetExport(library, "SHA1_Init");
            _update = (delegate* unmanaged<byte*, byte*, nuint, int>)NativeLibrary.GetExport(library, "SHA1_Update");
            _final = (delegate* unmanaged<byte*, byte*, int>)NativeLibrary.GetExport(library, "SHA1_Final");
        }

        /// <summary>
        /// The bound functions, or null off Linux, without libcrypto, in an OpenSSL built without its
        /// deprecated functions, or with <c>BUP_NO_LIBCRYPTO_SHA1=1</c> (tests compare both paths).
        /// </summary>
        public static Api? Load()
        {
            if (Environment.GetEnvironmentVariable("BUP_NO_LIBCRYPTO_SHA1") == "1" || !OperatingSystem.IsLinux())
            {
                return null;
            }

            foreach (var name in Names)
            {
                if (NativeLibrary.TryLoad(name, out var library))
                {
                    try
                    {
                        return new Api(library);
                    }
                    catch (EntryPointNotFoundException)
                    {
                        return null;
                    }
                }
            }

            return null;
        }

        public int Init(byte* context) => _init(context);

        public int Update(byte* context, byte* data, nuint length) => _update(context, data, length);

        public int Final(byte* digest, byte* context) => _final(digest, context);
    }
}
