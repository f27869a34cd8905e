// libacl (package libacl1) entry points, as bup's _helpers.c uses them (bup_read_acl,
// bup_apply_acl_string). The library loads on first use; PosixAcls turns a missing library into
// an actionable message.
using System.Runtime.InteropServices;

namespace BupBackup.Posix.Interop;

/// <summary>Raw libacl imports.</summary>
internal static unsafe partial class LibAcl
{
    public const string Library = "libacl.so.1";

    /// <summary>ACL_TYPE_ACCESS.</summary>
    public const uint TypeAccess = 0x8000;

    /// <summary>ACL_TYPE_DEFAULT.</summary>
    public const uint TypeDefault = 0x4000;

    /// <summary>TEXT_NUMERIC_IDS for acl_to_any_text.</summary>
    public const int TextNumericIds = 0x08;

    /// <summary>TEXT_ABBREVIATE for acl_to_any_text.</summary>
    public const int TextAbbreviate = 0x10;

    [LibraryImport(Library, EntryPoint = "acl_extended_file", SetLastError = true)]
    public static partial int ExtendedFile(byte* path);

    [LibraryImport(Library, EntryPoint = "acl_get_file", SetLastError = true)]
    public static partial nint GetFile(byte* path, uint type);

    [LibraryImport(Library, EntryPoint = "acl_to_any_text", SetLastError = true)]
    public static partial byte* ToAnyText(nint acl, byte* prefix, byte separator, int options);

    [LibraryImport(Library, EntryPoint = "acl_from_text", SetLastError = true)]
    public static partial nint FromText(byte* text);

    [LibraryImport(Library, EntryPoint = "acl_set_file", SetLastError = true)]
    public static partial int SetFile(byte* path, uint type, nint acl);

    [LibraryImport(Library, EntryPoint = "acl_free")]
    public static partial int Free(void* handle);
}
