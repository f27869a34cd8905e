// Reading one Metadata object from untrusted bytes: docs/formats/bupm.md, "Metadata objects and records"
// (tags, unknown tags skipped) and "The common record (tag 10)"; metadata.py Metadata.read and the _load_*_rec methods.
namespace BupStore.Formats;

public sealed partial class BupMetadata
{
    private const uint MaxMode = uint.MaxValue;

    /// <summary>
    /// Decodes <paramref name="data"/>, which must hold exactly one Metadata object. Returns null for
    /// the empty object (<c>00</c>, "no information").
    /// </summary>
    /// <exception cref="CorruptObjectException">Damaged bytes, or bytes after the end tag.</exception>
    public static BupMetadata? Decode(ReadOnlySpan<byte> data, string where)
    {
        var reader = new VIntReader(data, where);
        var result = Decode(ref reader);
        return reader.IsAtEnd ? result : throw reader.Corrupt("bytes after the end of the metadata");
    }

    /// <summary>
    /// Reads one Metadata object at the reader's position, up to and including its end tag. Returns
    /// null for the empty object (<c>00</c>). Legacy records (common v1/v2, ACL v1) are read; unknown
    /// tags are skipped. Bytes after the fields inside a record are ignored, as bup ignores them.
    /// </summary>
    /// <exception cref="CorruptObjectException">Truncated or malformed records, or impossible values.</exception>
    public static BupMetadata? Decode(ref VIntReader reader)
    {
        var start = reader.Offset;
        var tag = reader.ReadVuint();
        if (tag == Tag.End)
        {
            return null;
        }

        var result = new BupMetadata();
        while (tag != Tag.End)
        {
            var record = NextOrMissingEnd(ref reader, start).ReadNested();
            result.LoadRecord(tag, ref record);
            tag = NextOrMissingEnd(ref reader, start).ReadVuint();
        }

        return result;
    }

    // Every record, including the last, must be followed by something: at least the end tag.
    private static ref VIntReader NextOrMissingEnd(ref VIntReader reader, long start)
    {
        if (reader.IsAtEnd)
        {
            throw new CorruptObjectException(reader.Where, $"metadata starting at {start} ends without an end tag", reader.Offset);
        }

        return ref reader;
    }

    private void LoadRecord(ulong tag, ref VIntReader record)
    {
        switch (tag)
        {
            case Tag.Path: Path = record.ReadBvec().ToArray(); break;
            case Tag.CommonV1: LoadCommon(ref record, 1); break;
            case Tag.CommonV2: LoadCommon(ref record, 2); break;
            case Tag.CommonV3: LoadCommon(ref record, 3); break;
            case Tag.SymlinkTarget: LoadSymlinkTarget(ref record); break;
            case Tag.HardlinkTarget: HardlinkTarget = Rest(ref record); break;
            case Tag.PosixAclV1: Acl = ReadAcl(ref record, legacy: true); break;
            case Tag.PosixAclV2: Acl = ReadAcl(ref record, legacy: false); break;
            case Tag.LinuxAttr: LinuxAttr = ReadUInt32(ref record, record.ReadVuint(), "linux attr flags"); break;
            case Tag.LinuxXattr: Xattrs = ReadXattrs(ref record); break;
            default: break; // unknown (e.g. 5, NFSv4 ACL): its bvec is already consumed
        }
    }

    // v3: `v v s v s v v V v V v V v`; v2 drops the size; v1 has unsigned mode/uid/gid.
    private void LoadCommon(ref VIntReader record, int version)
    {
        var mode = version == 1 ? (long)record.ReadVuint() : record.ReadVint();
        var uid = version == 1 ? (long)record.ReadVuint() : record.ReadVint();
        User = record.ReadBvec().ToArray();
        var gid = version == 1 ? (long)record.ReadVuint() : record.ReadVint();
        Group = record.ReadBvec().ToArray();
        Mode = ReadUInt32(ref record, mode, "mode");
        (Uid, Gid) = (uid, gid);
        Rdev = record.ReadVint();
        Atime = ReadTimespec(ref record);
        Mtime = ReadTimespec(ref record);
        Ctime = ReadTimespec(ref record);
        if (version == 3 && record.ReadVint() is var size and >= 0)
        {
            Size = SymlinkTarget is { Length: > 0 } target && target.Length != size
                ? throw record.Corrupt($"size {size} but a symlink target of {target.Length} bytes")
                : size;
        }
    }

    // bup sets the size from the target when the common record had none, and asserts that the two
    // agree otherwise; a disagreement (in either record order) means the object is not what bup wrote.
    private void LoadSymlinkTarget(ref VIntReader record)
    {
        var target = Rest(ref record);
        if (Size is { } size && size != target.Length)
        {
            throw record.Corrupt($"symlink target of {target.Length} bytes but size {size}");
        }

        SymlinkTarget = target;
        Size = target.Length;
    }

    private static BupTimespec ReadTimespec(ref VIntReader record)
    {
        var seconds = record.ReadVint();
        var nanoseconds = record.ReadVuint();
        return nanoseconds < BupTimespec.NanosecondsPerSecond
            ? new BupTimespec(seconds, (uint)nanoseconds)
            : throw record.Corrupt($"timestamp nanoseconds {nanoseconds} out of range");
    }

    private static PosixAcl? ReadAcl(ref VIntReader record, bool legacy)
    {
        byte[][] texts = [record.ReadBvec().ToArray(), record.ReadBvec().ToArray(), record.ReadBvec().ToArray(), record.ReadBvec().ToArray()];
        if (texts[2].Length == 0)
        {
            texts[3] = []; // bup keeps only the access pair when the default text is empty
        }

        return legacy ? FromLegacyAcl(texts) : new PosixAcl(texts[0], texts[1], texts[2], texts[3]);
    }

    // ACL v1 used '\n' between entries; bup converts to ',' and drops the ACL if a text already has a
    // comma, since the conversion would then be ambiguous.
    private static PosixAcl? FromLegacyAcl(byte[][] texts)
    {
        foreach (var text in texts)
        {
            if (text.AsSpan().Contains((byte)','))
            {
                return null;
            }

            text.AsSpan().Replace((byte)'\n', (byte)',');
        }

        return new PosixAcl(texts[0], texts[1], texts[2], texts[3]);
    }

    private static ExtendedAttribute[] ReadXattrs(ref VIntReader record)
    {
        var count = record.ReadVuint();
        // Each pair needs at least two length bytes: reject impossible counts before allocating.
        if (count > (ulong)record.Remaining / 2)
        {
            throw record.Corrupt($"xattr count {count} exceeds the record");
        }

        var xattrs = new ExtendedAttribute[count];
        for (var i = 0; i < xattrs.Length; i++)
        {
            var name = record.ReadBvec().ToArray();
            xattrs[i] = new ExtendedAttribute(name, record.ReadBvec().ToArray());
        }

        return xattrs;
    }

    private static uint ReadUInt32(ref VIntReader record, long value, string what) =>
        ReadUInt32(ref record, value < 0 ? ulong.MaxValue : (ulong)value, what);

    private static uint ReadUInt32(ref VIntReader record, ulong value, string what) =>
        value <= MaxMode ? (uint)value : throw record.Corrupt($"{what} {value} does not fit 32 bits");

    // Symlink and hardlink targets are the raw record payload, not a nested bvec.
    private static byte[] Rest(ref VIntReader record) => record.ReadToEnd().ToArray();
}
