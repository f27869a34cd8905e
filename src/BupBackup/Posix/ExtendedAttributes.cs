// Linux extended attributes of a path itself (never following a final symlink), as bup reads and
// writes them through pyxattr with nofollow=True (metadata.py _add_linux_xattr, _apply_linux_xattr_rec).
using BupBackup.Posix.Interop;
using BupStore.Formats;

namespace BupBackup.Posix;

/// <summary>
/// <c>llistxattr</c>/<c>lgetxattr</c>/<c>lsetxattr</c>/<c>lremovexattr</c> on byte paths and names.
/// Failures throw <see cref="PosixException"/> (EOPNOTSUPP when the filesystem has no xattrs).
/// Stateless and thread-safe.
/// </summary>
public static unsafe class ExtendedAttributes
{
    /// <summary>The attribute names in the order the kernel lists them.</summary>
    public static List<byte[]> List(ReadOnlySpan<byte> path)
    {
        var native = NativePath.Terminate(path);
        var list = ReadSized(path, "llistxattr", native, null);
        var names = new List<byte[]>();
        foreach (var range in list.AsSpan().Split((byte)0))
        {
            if (range.End.Value > range.Start.Value)
            {
                names.Add(list[range]);
            }
        }

        return names;
    }

    /// <summary>The value of <paramref name="name"/>, or null if the path has no such attribute (ENODATA).</summary>
    public static byte[]? Get(ReadOnlySpan<byte> path, ReadOnlySpan<byte> name)
    {
        try
        {
            return ReadSized(path, "lgetxattr", NativePath.Terminate(path), NativePath.Terminate(name));
        }
        catch (PosixException e) when (e.Errno == Errno.ENODATA)
        {
            return null;
        }
    }

    /// <summary>Every attribute with its value, in list order; attributes removed meanwhile are skipped.</summary>
    public static List<ExtendedAttribute> GetAll(ReadOnlySpan<byte> path)
    {
        var result = new List<ExtendedAttribute>();
        foreach (var name in List(path))
        {
            if (Get(path, name) is { } value)
            {
                result.Add(new ExtendedAttribute(name, value));
            }
        }

        return result;
    }

    /// <summary>Creates or replaces attribute <paramref name="name"/>.</summary>
    public static void Set(ReadOnlySpan<byte> path, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var nativePath = NativePath.Terminate(path);
        var nativeName = NativePath.Terminate(name);
        fixed (byte* p = nativePath, n = nativeName, v = value)
        {
            if (LibC.LSetXattr(p, n, v, (nuint)value.Length, 0) != 0)
            {
                throw PosixException.Last("lsetxattr", path);
            }
        }
    }

    /// <summary>Removes attribute <paramref name="name"/>.</summary>
    public static void Remove(ReadOnlySpan<byte> path, ReadOnlySpan<byte> name)
    {
        var nativePath = NativePath.Terminate(path);
        var nativeName = NativePath.Terminate(name);
        fixed (byte* p = nativePath, n = nativeName)
        {
            if (LibC.LRemoveXattr(p, n) != 0)
            {
                throw PosixException.Last("lremovexattr", path);
            }
        }
    }

    // Asks for the size, then reads; the value can grow in between (ERANGE), so retry until it fits.
    private static byte[] ReadSized(ReadOnlySpan<byte> path, string operation, byte[] nativePath, byte[]? nativeName)
    {
        while (true)
        {
            var size = Call(nativePath, nativeName, null, 0);
            if (size < 0)
            {
                throw PosixException.Last(operation, path);
            }

            var buffer = new byte[size];
            fixed (byte* b = buffer)
            {
                var length = Call(nativePath, nativeName, b, (nuint)buffer.Length);
                if (length >= 0)
                {
                    return buffer[..(int)length];
                }
            }

            var error = PosixException.Last(operation, path);
            if (error.Errno != Errno.ERANGE)
            {
                throw error;
            }
        }
    }

    private static nint Call(byte[] nativePath, byte[]? nativeName, byte* buffer, nuint size)
    {
        fixed (byte* p = nativePath, n = nativeName)
        {
            return nativeName is null ? LibC.LListXattr(p, buffer, size) : LibC.LGetXattr(p, n, buffer, size);
        }
    }
}
