// One Linux extended attribute of a bup linux-xattr record (docs/formats/bupm.md, "Metadata objects and records", tag 7).
namespace BupStore.Formats;

/// <summary>A Linux extended attribute: raw name (e.g. <c>user.a</c>, <c>system.posix_acl_access</c>) and raw value.</summary>
public readonly struct ExtendedAttribute : IEquatable<ExtendedAttribute>
{
    /// <summary>Creates an attribute from its name and value bytes.</summary>
    public ExtendedAttribute(byte[] name, byte[] value)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The attribute name, namespace prefix included, without a terminating NUL.</summary>
    public byte[] Name { get; }

    /// <summary>The attribute value, exactly as the filesystem returned it.</summary>
    public byte[] Value { get; }

    /// <summary>Byte-wise equality of name and value.</summary>
    public static bool operator ==(ExtendedAttribute left, ExtendedAttribute right) => left.Equals(right);

    /// <summary>Byte-wise inequality of name or value.</summary>
    public static bool operator !=(ExtendedAttribute left, ExtendedAttribute right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(ExtendedAttribute other) =>
        (Name ?? []).AsSpan().SequenceEqual(other.Name) && (Value ?? []).AsSpan().SequenceEqual(other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExtendedAttribute other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Name ?? []);
        hash.AddBytes(Value ?? []);
        return hash.ToHashCode();
    }

    /// <summary>The name and value length, for messages.</summary>
    public override string ToString() => $"{Objects.NameText.Display(Name ?? [])} ({Value?.Length ?? 0} bytes)";
}
