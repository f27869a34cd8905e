// The POSIX1e ACL v2 record of bup metadata (docs/formats/bupm.md, "The POSIX ACL record (tag 11)"; metadata.py
// _encode_posix1e_acl / _load_posix1e_acl_rec; _helpers.c bup_read_acl).
namespace BupStore.Formats;

/// <summary>
/// A file's POSIX.1e ACLs in libacl's short text form (<c>acl_to_any_text(acl, "", ',',
/// TEXT_ABBREVIATE [| TEXT_NUMERIC_IDS])</c>), e.g. <c>u::rw-,u:1234:r--,g::r--,m::r--,o::r--</c>.
/// </summary>
/// <remarks>
/// bup records the access ACL with names and with numeric ids, and for directories the default ACL in
/// both forms. An empty <see cref="Default"/> means "no default ACL recorded" (non-directories, or a
/// record whose third string was empty, which bup treats the same way).
/// </remarks>
public sealed class PosixAcl : IEquatable<PosixAcl>
{
    /// <summary>Creates an ACL record; the default strings are empty for non-directories.</summary>
    public PosixAcl(byte[] access, byte[] accessNumeric, byte[]? @default = null, byte[]? defaultNumeric = null)
    {
        Access = access ?? throw new ArgumentNullException(nameof(access));
        AccessNumeric = accessNumeric ?? throw new ArgumentNullException(nameof(accessNumeric));
        Default = @default ?? [];
        DefaultNumeric = defaultNumeric ?? [];
    }

    /// <summary>Access ACL text with user and group names.</summary>
    public byte[] Access { get; }

    /// <summary>Access ACL text with numeric ids.</summary>
    public byte[] AccessNumeric { get; }

    /// <summary>Default ACL text with names (directories only; empty if none).</summary>
    public byte[] Default { get; }

    /// <summary>Default ACL text with numeric ids (directories only; empty if none).</summary>
    public byte[] DefaultNumeric { get; }

    /// <summary>True when a default ACL is recorded (bup: the third string is non-empty).</summary>
    public bool HasDefault => Default.Length != 0;

    /// <inheritdoc/>
    public bool Equals(PosixAcl? other) =>
        other is not null
        && Access.AsSpan().SequenceEqual(other.Access)
        && AccessNumeric.AsSpan().SequenceEqual(other.AccessNumeric)
        && Default.AsSpan().SequenceEqual(other.Default)
        && DefaultNumeric.AsSpan().SequenceEqual(other.DefaultNumeric);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PosixAcl);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Access);
        hash.AddBytes(Default);
        return hash.ToHashCode();
    }

    /// <summary>The access ACL text (and the default ACL when present), for messages.</summary>
    public override string ToString() =>
        HasDefault ? $"{Text(Access)} default {Text(Default)}" : Text(Access);

    private static string Text(byte[] value) => Objects.NameText.Display(value);
}
