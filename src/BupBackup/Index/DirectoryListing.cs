using System.Runtime.InteropServices;
using BupBackup.Index.Interop;
using BupBackup.Posix;

namespace BupBackup.Index;

/// <summary>Path resolution on byte paths (names are never decoded).</summary>
public static unsafe class DirectoryListing
{
    /// <summary><c>realpath</c>: the absolute path with every symlink and "."/".." resolved.</summary>
    /// <exception cref="PosixException">A component does not exist or cannot be searched.</exception>
    public static byte[] RealPath(ReadOnlySpan<byte> path)
    {
        var native = Terminate(path);
        fixed (byte* p = native)
        {
            var resolved = DirectoryNative.RealPath(p, null);
            if (resolved == null)
            {
                throw new PosixException("realpath", path, Marshal.GetLastPInvokeError());
            }

            try
            {
                return MemoryMarshal.CreateReadOnlySpanFromNullTerminated(resolved).ToArray();
            }
            finally
            {
                DirectoryNative.Free(resolved);
            }
        }
    }

    private static byte[] Terminate(ReadOnlySpan<byte> path)
    {
        if (path.IsEmpty || path.Contains((byte)0))
        {
            throw new ArgumentException("not a usable path", nameof(path));
        }

        var result = new byte[path.Length + 1];
        path.CopyTo(result);
        return result;
    }
}
