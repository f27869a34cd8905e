using System.Text;
using BupBackup.Index;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;
using TestSupport;

namespace BupBackup.Tests.Index;

/// <summary>The index file writer: round trip, subtree sizes, validity of directories, atomic replacement.</summary>
public sealed class IndexWriterTests : IDisposable
{
    private readonly ScratchFolder _folder = new("bupfs-index-");

    public void Dispose() => _folder.Dispose();

    private string IndexPath => _folder["bupfs-index"];

    private static IndexRecord Dir(string path, bool valid = false) => IndexRecords.Dir(path, valid);

    private static IndexRecord File(string path, bool valid = true) => IndexRecords.File(path, valid);

    private List<IndexRecord> Write(params IndexRecord[] records)
    {
        IndexRecords.Write(IndexPath, records);
        return [.. IndexFile.Records(IndexPath)];
    }

    [Fact]
    public void Records_round_trip_with_paths_rebuilt_from_names()
    {
        var written = new[] { Dir("/"), Dir("/a/"), File("/a/x"), Dir("/a/y/"), File("/a/y/z"), File("/b") };
        var read = Write(written);
        Assert.Equal(written.Select(r => Encoding.UTF8.GetString(r.Path)), read.Select(r => Encoding.UTF8.GetString(r.Path)));
        Assert.Equal(written[2].Status, read[2].Status);
        Assert.Equal(written[2].Metadata, read[2].Metadata);
        Assert.Equal(ObjectId.EmptyBlob, read[2].Id);
        Assert.Equal([5L, 3, 0, 1, 0, 0], read.Select(r => r.Descendants));
        Assert.Equal("/a/x", Encoding.UTF8.GetString(IndexFile.HardlinkTargets(IndexPath)[(1, 2)]));
    }

    [Fact]
    public void A_directory_is_valid_only_when_everything_below_it_is()
    {
        var read = Write(Dir("/", valid: true), Dir("/a/", valid: true), File("/a/x"), Dir("/a/y/", valid: true), File("/a/y/z", valid: false), Dir("/b/", valid: true), File("/b/c"));
        var valid = read.ToDictionary(r => Encoding.UTF8.GetString(r.Path), r => r.IsValid);
        Assert.False(valid["/"]);
        Assert.False(valid["/a/"]);
        Assert.False(valid["/a/y/"]);
        Assert.True(valid["/b/"]);
        Assert.True(valid["/a/x"]);
    }

    [Fact]
    public void Real_paths_are_stored_only_where_they_differ_from_the_parent()
    {
        var graft = Dir("/data/");
        graft.RealPath = "/srv/www/"u8.ToArray();
        var synthetic = new IndexRecord { Path = "/"u8.ToArray(), RealPath = [], Flags = IndexFlags.Synthetic, Status = new FileStatus { Mode = (uint)PosixFileType.Directory } };
        var inner = File("/data/f");
        inner.RealPath = "/srv/www/f"u8.ToArray();
        var read = Write(synthetic, graft, inner);
        Assert.Empty(read[0].RealPath);
        Assert.Equal("/srv/www/", Encoding.UTF8.GetString(read[1].RealPath));
        Assert.Equal("/srv/www/f", Encoding.UTF8.GetString(read[2].RealPath));
    }

    [Fact]
    public void Out_of_order_records_are_refused()
    {
        using var writer = new IndexWriter(IndexPath);
        writer.Add(Dir("/"));
        writer.Add(File("/b"));
        Assert.Throws<InvalidOperationException>(() => writer.Add(File("/a")));
        Assert.Throws<InvalidOperationException>(() => writer.Add(File("/c/d")));
    }

    [Fact]
    public void An_uncommitted_index_leaves_the_old_one_and_no_temporary_file()
    {
        Write(Dir("/"), File("/old"));
        using (var writer = new IndexWriter(IndexPath))
        {
            writer.Add(Dir("/"));
            writer.Add(File("/new"));
        }

        Assert.Equal(["/", "/old"], IndexFile.Records(IndexPath).Select(r => Encoding.UTF8.GetString(r.Path)));
        Assert.Equal(["bupfs-index"], Directory.GetFiles(_folder.Path).Select(Path.GetFileName));
    }

    private static byte[] RecordBytes(string path)
    {
        long end;
        using (var reader = IndexReader.TryOpen(path)!)
        {
            end = reader.Footer.RecordsEnd;
        }

        return System.IO.File.ReadAllBytes(path)[..(int)end];
    }

    [Fact]
    public void Subtrees_are_copied_whole_and_can_be_skipped()
    {
        Write(Dir("/"), Dir("/a/"), File("/a/x"), Dir("/a/y/"), File("/a/y/z"), File("/b"));
        var copy = _folder["copy"];
        using (var reader = IndexReader.TryOpen(IndexPath)!)
        using (var writer = new IndexWriter(copy))
        {
            var cursor = new IndexCursor(reader);
            cursor.MoveNext();
            writer.Add(cursor.Current!);
            cursor.MoveNext();
            writer.CopySubtree(cursor.Current!, reader);
            cursor.SkipSubtree();
            cursor.MoveNext();
            Assert.Equal("/b", Encoding.UTF8.GetString(cursor.Current!.Path));
            writer.Add(cursor.Current!);
            writer.Commit(new Dictionary<(ulong, ulong), byte[]>());
        }

        Assert.Equal(RecordBytes(IndexPath), RecordBytes(copy));
    }
}
