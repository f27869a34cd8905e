using System.Buffers.Binary;
using System.Text;
using BupBackup.Index;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;
using TestSupport;

namespace BupBackup.Tests.Index;

/// <summary>bupfs index --check: a sound index passes, and each kind of damage is named.</summary>
public sealed class IndexCheckerTests : IDisposable
{
    private readonly ScratchFolder _folder = new("bupfs-check-");

    public void Dispose() => _folder.Dispose();

    private string IndexPath => _folder["bupfs-index"];

    private static IndexRecord Make(string path, bool valid)
    {
        var isDir = path.EndsWith('/');
        var mode = isDir ? (uint)PosixFileType.Directory | 0x1ED : (uint)PosixFileType.Regular | 0x1A4;
        return new IndexRecord
        {
            Path = Encoding.UTF8.GetBytes(path),
            RealPath = Encoding.UTF8.GetBytes(path),
            Status = new FileStatus { Mode = mode, Inode = (ulong)path.Length, Mtime = new BupTimespec(1_600_000_000, 1) },
            Flags = valid ? IndexFlags.HashValid : IndexFlags.None,
            GitMode = valid ? GitFileMode.Regular : GitFileMode.None,
            Id = valid ? ObjectId.EmptyBlob : default,
        };
    }

    private void Write(params IndexRecord[] records)
    {
        using var writer = new IndexWriter(IndexPath);
        foreach (var r in records)
        {
            writer.Add(r);
        }

        writer.Commit(new Dictionary<(ulong, ulong), byte[]> { [(7, 8)] = "/a/x"u8.ToArray() });
    }

    private void WriteSample() => Write(Make("/", false), Make("/a/", true), Make("/a/x", true), Make("/a/y/", true), Make("/a/y/z", true), Make("/b", false));

    [Fact]
    public void A_sound_index_passes_with_its_record_count_and_no_index_is_empty()
    {
        Assert.Equal(0, IndexFile.Check(IndexPath));
        WriteSample();
        Assert.Equal(6, IndexFile.Check(IndexPath));
    }

    [Fact]
    public void Every_single_byte_change_is_reported()
    {
        WriteSample();
        var original = File.ReadAllBytes(IndexPath);
        for (var i = 0; i < original.Length; i++)
        {
            var damaged = (byte[])original.Clone();
            damaged[i] ^= 0x10;
            File.WriteAllBytes(IndexPath, damaged);
            var error = Record.Exception(() => IndexFile.Check(IndexPath));
            Assert.True(error is CorruptObjectException, $"byte {i}: {error?.GetType().Name ?? "passed"}");
        }
    }

    [Fact]
    public void A_directory_count_that_disagrees_with_its_records_is_reported()
    {
        WriteSample();
        var bytes = File.ReadAllBytes(IndexPath);
        var record = IndexFile.Records(IndexPath).Single(r => r.Path.AsSpan().SequenceEqual("/a/"u8));
        var at = (int)record.Offset;
        // Only the count changes (the byte length stays right) and the record's checksum is redone,
        // so nothing but the count check can notice.
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + IndexFormat.Layout.Descendants), record.Descendants - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), Crc32C.Compute(bytes.AsSpan(at + 8, record.EncodedLength - 8)));
        File.WriteAllBytes(IndexPath, bytes);
        Assert.Equal(6, IndexFile.Records(IndexPath).Count());
        var error = Assert.Throws<CorruptObjectException>(() => IndexFile.Check(IndexPath));
        Assert.Contains("/a/", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_record_without_an_object_is_reported()
    {
        var bad = Make("/b", true);
        bad.Id = default;
        Write(Make("/", false), bad);
        var error = Assert.Throws<CorruptObjectException>(() => IndexFile.Check(IndexPath));
        Assert.Contains("names no object", error.Message, StringComparison.Ordinal);
    }
}
