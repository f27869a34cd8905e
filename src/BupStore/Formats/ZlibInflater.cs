// Whole-object inflate from memory with one zlib state per thread. A mount or restore inflates
// tens of thousands of ~8 KiB chunks per second; ZLibStream costs, for each of them, a fresh
// native state with its 32 KiB window, several reads through an 8 KiB buffer, and a copy of the
// output into the window. Inflating the whole object in one Z_FINISH call into its final array,
// with a state that is only reset, measured 787 -> 921 MB/s on one core (docs/benchmarks.md).
//
// The zlib used is the one .NET itself ships (zlib-ng, statically linked into a native build), bound
// through the runtime's own exports; where they cannot be bound the callers fall back to ZLibStream.
// libdeflate goes first where it is installed (LibDeflateInflater); zlib-ng then only sees the
// streams libdeflate refused, and classifies what is wrong with them.
using System.Runtime.InteropServices;

namespace BupStore.Formats;

/// <summary>Inflates complete zlib streams held in memory, reusing one native state per thread.</summary>
/// <remarks>Thread-safe through thread-local state; instances are never shared.</remarks>
internal sealed unsafe partial class ZlibInflater
{
    private const string Library = "libSystem.IO.Compression.Native";
    private const int WindowBits = 15;
    private const int ZOk = 0;
    private const int ZStreamEnd = 1;
    private const int ZFinish = 4;
    private const int ZMemoryError = -4;
    private const int ZBufferError = -5;

    [ThreadStatic]
    private static ZlibInflater? t_current;
    private static int s_unavailable;

    private readonly State _state;

    private ZlibInflater(State state) => _state = state;

    /// <summary>
    /// Inflates <paramref name="input"/> into exactly <paramref name="output"/>; the stream must end
    /// (checksum verified) exactly when <paramref name="output"/> is full.
    /// </summary>
    public static InflateStatus Inflate(ReadOnlySpan<byte> input, Span<byte> output) =>
        LibDeflateInflater.TryInflate(input, output) ? InflateStatus.Complete : InflateWithZlib(input, output);

    /// <summary>As <see cref="Inflate"/>, through zlib only (tests compare the two).</summary>
    internal static InflateStatus InflateWithZlib(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var inflater = t_current ??= Create();
        return inflater is null ? InflateStatus.Unavailable : inflater.Run(input, output);
    }

    /// <summary>
    /// As <see cref="InflateWithZlib"/>, also giving how many input bytes the stream used: where the next
    /// pack entry starts, when a pack is indexed without its idx (PackIndexRebuild).
    /// </summary>
    internal static InflateStatus InflateCounting(ReadOnlySpan<byte> input, Span<byte> output, out int consumed)
    {
        var inflater = t_current ??= Create();
        consumed = 0;
        return inflater is null ? InflateStatus.Unavailable : inflater.Run(input, output, out consumed);
    }

    private static ZlibInflater? Create()
    {
        if (Volatile.Read(ref s_unavailable) != 0)
        {
            return null;
        }

        try
        {
            var state = new State();
            return NativeInit(state.Stream, WindowBits) == ZOk ? new ZlibInflater(state) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref s_unavailable, 1);
            return null;
        }
    }

    private InflateStatus Run(ReadOnlySpan<byte> input, Span<byte> output) => Run(input, output, out _);

    private InflateStatus Run(ReadOnlySpan<byte> input, Span<byte> output, out int consumed)
    {
        consumed = 0;
        var z = _state.Stream;
        if (NativeReset(z, WindowBits) != ZOk)
        {
            return InflateStatus.Unavailable;
        }

        // zlib refuses a null output pointer, which an empty span would give.
        byte spare = 0;
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            z->NextIn = i;
            z->AvailIn = (uint)input.Length;
            z->NextOut = output.IsEmpty ? &spare : o;
            z->AvailOut = (uint)output.Length;
            var result = NativeInflate(z, ZFinish);
            consumed = input.Length - (int)z->AvailIn;
            return Classify(result, z->AvailIn, z->AvailOut);
        }
    }

    private static InflateStatus Classify(int result, uint availIn, uint availOut) => result switch
    {
        ZStreamEnd => availOut == 0 ? InflateStatus.Complete : InflateStatus.TooShort,
        ZMemoryError => InflateStatus.Unavailable,
        _ when result < 0 && result != ZBufferError => InflateStatus.Corrupt,
        _ when availIn == 0 => InflateStatus.NeedInput,
        _ => InflateStatus.TooLong,
    };

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    private static partial int NativeInit(ZStream* stream, int windowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    private static partial int NativeReset(ZStream* stream, int windowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Inflate")]
    private static partial int NativeInflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    private static partial int NativeEnd(ZStream* stream);

    // The runtime's PAL_ZStream: the fields of z_stream that its shim copies in and out.
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public byte* NextOut;
        public byte* Message;
        public nint InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    /// <summary>The native stream, freed when its thread's inflater is collected.</summary>
    private sealed class State
    {
        public State() => Stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));

        ~State()
        {
            if (Stream->InternalState != 0)
            {
                _ = NativeEnd(Stream);
            }

            NativeMemory.Free(Stream);
        }

        public ZStream* Stream { get; }
    }
}
