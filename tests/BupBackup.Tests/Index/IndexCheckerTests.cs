using System.Buffers.Binary;
using BupBackup.Index;
using BupStore.Formats;
using TestSupport;

namespace BupBackup.Tests.Index;

/// <summary>bupfs index --check: a sound index passes, and each kind of damage is named.</summary>
public sealed class IndexCheckerTests : IDisposable
{
    private readonly ScratchFolder _folder = new("bupfs-check-");

    public void Dispose() => _folder.Dispose();

    private string IndexPath => _folder["bupfs-index"];

    private void Write(params IndexRecord[] records) => IndexRecords.Write(IndexPath, records);

    private void WriteSample() => Write(
        IndexRecords.Dir("/"), IndexRecords.Dir("/a/", valid: true), IndexRecords.File("/a/x"),
        IndexRecords.Dir("/a/y/", valid: true), IndexRecords.File("/a/y/z"), IndexRecords.File("/b", valid: false));

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
        var bad = IndexRecords.File("/b");
        bad.Id = default;
        Write(IndexRecords.Dir("/"), bad);
        var error = Assert.Throws<CorruptObjectException>(() => IndexFile.Check(IndexPath));
        Assert.Contains("names no object", error.Message, StringComparison.Ordinal);
    }
}
