namespace BupFs;

/// <summary>setxattr(2)'s flags.</summary>
public enum XattrSetMode
{
    /// <summary>Create the attribute or replace its value.</summary>
    CreateOrReplace,

    /// <summary>Fail with <see cref="FsError.Exists"/> when it exists (XATTR_CREATE).</summary>
    CreateOnly,

    /// <summary>Fail with <see cref="FsError.NoAttribute"/> when it does not exist (XATTR_REPLACE).</summary>
    ReplaceOnly,
}
