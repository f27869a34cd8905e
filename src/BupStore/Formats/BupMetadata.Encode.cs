// Writing one Metadata object: docs/formats/bupm.md, "Metadata objects and records" (encoding
// order) and "The common record (tag 10)",
// metadata.py Metadata.encode and the _encode_* methods.
using System.Buffers;

namespace BupStore.Formats;

public sealed partial class BupMetadata
{
    /// <summary>The encoding of the empty metadata object ("no information"): a lone end tag.</summary>
    public static ReadOnlySpan<byte> EmptyEncoding => [0x00];

    /// <summary>Encodes this object exactly as bup 0.33 does (see <see cref="EncodeTo"/>).</summary>
    public byte[] Encode(bool includePath = false)
    {
        var writer = new ArrayBufferWriter<byte>(96);
        EncodeTo(writer, includePath);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Appends the records in bup's order — path (only if <paramref name="includePath"/>; never in
    /// .bupm), common v3, symlink target, hardlink target, ACL v2, linux attr, xattrs — then the end tag.
    /// Records with nothing to say are omitted, as bup does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A vuint of 2^56 or more or a vint magnitude of 2^55 or more (see <see cref="VInt"/>).</exception>
    /// <exception cref="InvalidOperationException">A timestamp's nanoseconds are outside [0, 10^9).</exception>
    public void EncodeTo(IBufferWriter<byte> writer, bool includePath = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var payload = new ArrayBufferWriter<byte>(64);
        if (includePath && Path is { Length: > 0 } path)
        {
            VInt.WriteBvec(payload, path);
            WriteRecord(writer, Tag.Path, payload);
        }

        if (Mode != 0)
        {
            WriteCommon(payload);
            WriteRecord(writer, Tag.CommonV3, payload);
        }

        WriteBytesRecord(writer, Tag.SymlinkTarget, SymlinkTarget);
        WriteBytesRecord(writer, Tag.HardlinkTarget, HardlinkTarget);
        WriteOptionalRecords(writer, payload);
        VInt.WriteVuint(writer, Tag.End);
    }

    private void WriteOptionalRecords(IBufferWriter<byte> writer, ArrayBufferWriter<byte> payload)
    {
        if (Acl is { } acl)
        {
            VInt.WriteBvec(payload, acl.Access);
            VInt.WriteBvec(payload, acl.AccessNumeric);
            VInt.WriteBvec(payload, acl.Default);
            VInt.WriteBvec(payload, acl.DefaultNumeric);
            WriteRecord(writer, Tag.PosixAclV2, payload);
        }

        if (LinuxAttr is { } flags and not 0)
        {
            VInt.WriteVuint(payload, flags);
            WriteRecord(writer, Tag.LinuxAttr, payload);
        }

        if (Xattrs.Count != 0)
        {
            VInt.WriteVuint(payload, (ulong)Xattrs.Count);
            foreach (var xattr in Xattrs)
            {
                VInt.WriteBvec(payload, xattr.Name);
                VInt.WriteBvec(payload, xattr.Value);
            }

            WriteRecord(writer, Tag.LinuxXattr, payload);
        }
    }

    // Field order and types: `v v s v s v v V v V v V v` (metadata.py _encode_common).
    private void WriteCommon(IBufferWriter<byte> payload)
    {
        VInt.WriteVint(payload, Mode);
        VInt.WriteVint(payload, Uid);
        VInt.WriteBvec(payload, User);
        VInt.WriteVint(payload, Gid);
        VInt.WriteBvec(payload, Group);
        VInt.WriteVint(payload, Rdev);
        WriteTimespec(payload, Atime);
        WriteTimespec(payload, Mtime);
        WriteTimespec(payload, Ctime);
        VInt.WriteVint(payload, Size ?? -1);
    }

    private static void WriteTimespec(IBufferWriter<byte> payload, BupTimespec time)
    {
        if (!time.IsValid)
        {
            throw new InvalidOperationException($"timestamp {time} has nanoseconds outside [0, 10^9)");
        }

        VInt.WriteVint(payload, time.Seconds);
        VInt.WriteVuint(payload, time.Nanoseconds);
    }

    private static void WriteBytesRecord(IBufferWriter<byte> writer, ulong tag, byte[]? value)
    {
        if (value is { Length: > 0 })
        {
            VInt.WriteVuint(writer, tag);
            VInt.WriteBvec(writer, value);
        }
    }

    private static void WriteRecord(IBufferWriter<byte> writer, ulong tag, ArrayBufferWriter<byte> payload)
    {
        VInt.WriteVuint(writer, tag);
        VInt.WriteBvec(writer, payload.WrittenSpan);
        payload.ResetWrittenCount();
    }
}
