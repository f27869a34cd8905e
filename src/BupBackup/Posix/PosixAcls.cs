// POSIX.1e ACLs through libacl, matching bup's _helpers.c bup_read_acl / bup_apply_acl
// (docs/formats/bupm.md, "The POSIX ACL record (tag 11)").
using BupBackup.Posix.Interop;
using BupStore.Formats;

namespace BupBackup.Posix;

/// <summary>
/// Reads and applies ACLs in libacl's short text form. libacl (<c>libacl.so.1</c>) loads on first
/// use; when it is missing, <see cref="IsAvailable"/> is false and the calls throw
/// <see cref="PlatformNotSupportedException"/> with an install hint. Thread-safe.
/// </summary>
public static unsafe class PosixAcls
{
    private static readonly Lazy<bool> Loaded = new(Probe);

    /// <summary>True when libacl could be loaded.</summary>
    public static bool IsAvailable => Loaded.Value;

    /// <summary>
    /// The ACLs of <paramref name="path"/> as bup records them, or null when the file has no extended
    /// ACL (<c>acl_extended_file</c> false) or the filesystem does not support ACLs. Follows a final
    /// symlink, as libacl does; bup never asks for symlinks. Directories also get their default ACL
    /// (texts possibly empty).
    /// </summary>
    public static PosixAcl? Read(ReadOnlySpan<byte> path, bool isDirectory)
    {
        var native = Prepare(path);
        fixed (byte* p = native)
        {
            if (LibAcl.ExtendedFile(p) == 0)
            {
                return null;
            }

            if (ReadText(p, LibAcl.TypeAccess, path) is not { } access)
            {
                return null;
            }

            if (!isDirectory)
            {
                return new PosixAcl(access.Named, access.Numeric);
            }

            var @default = ReadText(p, LibAcl.TypeDefault, path);
            return @default is null ? null : new PosixAcl(access.Named, access.Numeric, @default.Value.Named, @default.Value.Numeric);
        }
    }

    /// <summary>
    /// Sets the access ACL from <paramref name="access"/> text and, when given, the default ACL from
    /// <paramref name="default"/> (bup's <c>apply_acl</c>). Throws <see cref="PosixException"/>; EINVAL
    /// means the text names an unknown user or group.
    /// </summary>
    public static void Apply(ReadOnlySpan<byte> path, ReadOnlySpan<byte> access, ReadOnlySpan<byte> @default = default, bool hasDefault = false)
    {
        var native = Prepare(path);
        Set(native, path, LibAcl.TypeAccess, access);
        if (hasDefault)
        {
            Set(native, path, LibAcl.TypeDefault, @default);
        }
    }

    private static (byte[] Named, byte[] Numeric)? ReadText(byte* path, uint type, ReadOnlySpan<byte> display)
    {
        var acl = LibAcl.GetFile(path, type);
        if (acl == 0)
        {
            var error = PosixException.Last("acl_get_file", display);
            return error.Errno is Errno.EOPNOTSUPP or Errno.ENOSYS ? null : throw error;
        }

        try
        {
            var named = ToText(acl, LibAcl.TextAbbreviate, display);
            return (named, ToText(acl, LibAcl.TextAbbreviate | LibAcl.TextNumericIds, display));
        }
        finally
        {
            LibAcl.Free((void*)acl);
        }
    }

    private static byte[] ToText(nint acl, int options, ReadOnlySpan<byte> display)
    {
        byte prefix = 0;
        var text = LibAcl.ToAnyText(acl, &prefix, (byte)',', options);
        if (text == null)
        {
            throw PosixException.Last("acl_to_any_text", display);
        }

        try
        {
            return NativePath.FromCString(text);
        }
        finally
        {
            LibAcl.Free(text);
        }
    }

    private static void Set(byte[] nativePath, ReadOnlySpan<byte> display, uint type, ReadOnlySpan<byte> text)
    {
        var nativeText = new byte[text.Length + 1];
        text.CopyTo(nativeText);
        fixed (byte* p = nativePath, t = nativeText)
        {
            var acl = LibAcl.FromText(t);
            if (acl == 0)
            {
                throw PosixException.Last("acl_from_text", display);
            }

            try
            {
                if (LibAcl.SetFile(p, type, acl) != 0)
                {
                    throw PosixException.Last("acl_set_file", display);
                }
            }
            finally
            {
                LibAcl.Free((void*)acl);
            }
        }
    }

    private static byte[] Prepare(ReadOnlySpan<byte> path)
    {
        if (!IsAvailable)
        {
            throw new PlatformNotSupportedException(
                $"POSIX ACL support needs {LibAcl.Library} (Debian/Ubuntu: apt-get install libacl1; Fedora: dnf install libacl)");
        }

        return NativePath.Terminate(path);
    }

    private static bool Probe()
    {
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(LibAcl.Library, out var handle))
        {
            return false;
        }

        System.Runtime.InteropServices.NativeLibrary.Free(handle);
        return true;
    }
}
