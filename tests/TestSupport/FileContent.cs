using Mono.Unix;

namespace TestSupport;

/// <summary>Streams two files side by side; memory stays at two buffers whatever their size.</summary>
public static class FileContent
{
    private const int BufferSize = 1 << 20;

    /// <summary>True when both files hold the same bytes; otherwise <paramref name="offset"/> is the first difference.</summary>
    public static bool Equal(string left, string right, out long offset)
    {
        using var a = new UnixFileInfo(left).OpenRead();
        using var b = new UnixFileInfo(right).OpenRead();
        var bufferA = new byte[BufferSize];
        var bufferB = new byte[BufferSize];
        offset = 0;
        while (true)
        {
            var n = Fill(a, bufferA);
            var m = Fill(b, bufferB);
            var common = Math.Min(n, m);
            var mismatch = bufferA.AsSpan(0, common).CommonPrefixLength(bufferB.AsSpan(0, common));
            if (mismatch < common || n != m)
            {
                offset += mismatch;
                return false;
            }

            if (n == 0)
            {
                return true;
            }

            offset += n;
        }
    }

    private static int Fill(Stream stream, byte[] buffer)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }
}
