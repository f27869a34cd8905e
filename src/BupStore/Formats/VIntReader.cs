// A cursor over untrusted bytes holding bup vuint/vint/bvec values (docs/formats/bupm.md, "vuint, vint and bvec").
namespace BupStore.Formats;

/// <summary>
/// Reads <see cref="VInt"/> encodings sequentially from a span, keeping the object name and the
/// absolute offset so every <see cref="CorruptObjectException"/> says where the damage is.
/// </summary>
public ref struct VIntReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Creates a reader over <paramref name="data"/>; <paramref name="baseOffset"/> is the
    /// offset of <paramref name="data"/> inside the named object, used only in error messages.</summary>
    public VIntReader(ReadOnlySpan<byte> data, string where, long baseOffset = 0)
    {
        _data = data;
        _position = 0;
        Where = where;
        BaseOffset = baseOffset;
    }

    /// <summary>The file or object being read, as it appears in error messages.</summary>
    public string Where { get; }

    /// <summary>Offset of the first byte of this reader's span inside the named object.</summary>
    public long BaseOffset { get; }

    /// <summary>Position of the next unread byte, relative to this reader's span.</summary>
    public readonly int Position => _position;

    /// <summary>Absolute offset (in the named object) of the next unread byte.</summary>
    public readonly long Offset => BaseOffset + _position;

    /// <summary>True when every byte has been consumed.</summary>
    public readonly bool IsAtEnd => _position >= _data.Length;

    /// <summary>Number of bytes not yet consumed.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Reads a vuint.</summary>
    public ulong ReadVuint() => VInt.ReadVuint(_data, ref _position, Where, BaseOffset);

    /// <summary>Reads a vint.</summary>
    public long ReadVint() => VInt.ReadVint(_data, ref _position, Where, BaseOffset);

    /// <summary>Reads a bvec and returns its bytes (a slice of the underlying span).</summary>
    public ReadOnlySpan<byte> ReadBvec() => VInt.ReadBvec(_data, ref _position, Where, BaseOffset);

    /// <summary>Consumes and returns every remaining byte.</summary>
    public ReadOnlySpan<byte> ReadToEnd()
    {
        var rest = _data[_position..];
        _position = _data.Length;
        return rest;
    }

    /// <summary>Reads a bvec and returns a reader over its bytes that reports absolute offsets.</summary>
    public VIntReader ReadNested()
    {
        var bytes = ReadBvec();
        return new VIntReader(bytes, Where, Offset - bytes.Length);
    }

    /// <summary>An exception for damage at the current position.</summary>
    public readonly CorruptObjectException Corrupt(string reason) => new(Where, reason, Offset);
}
