using System.Runtime.InteropServices;
using BupBackup.Index.Interop;
using BupBackup.Posix;

namespace BupBackup.Index;

/// <summary>Directory contents and path resolution on byte paths (names are never decoded).</summary>
public static unsafe class DirectoryListing
{
    /// <summary>The names in directory <paramref name="path"/>, without "." and "..", in readdir order.</summary>
    /// <exception cref="PosixException">The directory cannot be opened or read.</exception>
    public static List<byte[]> Names(ReadOnlySpan<byte> path)
    {
        var native = Terminate(path);
        nint dir;
        fixed (byte* p = native)
        {
            dir = DirectoryNative.OpenDir(p);
        }

        if (dir == 0)
        {
            throw new PosixException("opendir", path, Marshal.GetLastPInvokeError());
        }

        try
        {
            return ReadAll(dir, path);
        }
        finally
        {
            _ = DirectoryNative.CloseDir(dir);
        }
    }

    private static List<byte[]> ReadAll(nint dir, ReadOnlySpan<byte> path)
    {
        var names = new List<byte[]>();
        while (true)
        {
            Marshal.SetLastPInvokeError(0);
            var entry = DirectoryNative.ReadDir(dir);
            if (entry == null)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == 0 ? names : throw new PosixException("readdir", path, errno);
            }

            var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + DirectoryNative.NameOffset);
            if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
            {
                names.Add(name.ToArray());
            }
        }
    }

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
