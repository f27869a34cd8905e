using System.Text;
using BupBackup.Index;
using BupBackup.Save;

namespace BupBackup.Tests.Save;

/// <summary>
/// The save engine on real trees: what it reads (from the byte counters), what it reuses, how it
/// reports problems, and the saved trees as git lists them.
/// </summary>
public sealed class SaveEngineTests : IDisposable
{
    private readonly BackupWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private void SampleFiles()
    {
        _ws.Write("a.txt", "alpha");
        _ws.Write("dir/b.txt", new string('b', 20_000));
        _ws.Write("dir/deeper/c.bin", new byte[100_000]);
        _ws.Write("other/d.txt", "delta");
        _ws.AgeAll();
    }

    private string Saved(string relative) => $"{_ws.SavedSource}/{relative}";

    [Fact]
    public void First_save_without_an_index_indexes_first_and_reads_everything()
    {
        SampleFiles();
        var result = _ws.Save("b");
        Assert.Equal(5 + 20_000 + 100_000 + 5, result.Statistics.BytesRead);
        Assert.Equal(4, result.Statistics.FilesRead);
        Assert.Empty(_ws.Warnings);
        var listing = _ws.LsTree("b");
        Assert.Contains(listing, l => l.Contains("\t" + Saved("dir/deeper/c.bin.bup/"), StringComparison.Ordinal)); // 100 kB: a chunk tree
        Assert.Contains(listing, l => l.EndsWith("\t" + Saved(".bupm"), StringComparison.Ordinal));
        Assert.Contains(listing, l => l.EndsWith("\t.bupm", StringComparison.Ordinal));
        Assert.All(_ws.Records().Where(r => r.Path.AsSpan().StartsWith(BackupWorkspace.B(_ws.Source))), r => Assert.True(r.IsValid, r.ToString()));
    }

    [Fact]
    public void Unchanged_tree_is_not_read_again()
    {
        SampleFiles();
        var first = _ws.Save("b");
        _ws.Index();
        var second = _ws.Save("b");
        Assert.Equal(0, second.Statistics.BytesRead);
        Assert.Equal(0, second.Statistics.FilesRead);
        Assert.Equal(1, second.Statistics.DirectoriesReused);
        Assert.Equal(first.Tree.ToString(), _ws.Git("rev-parse", "b~1^{tree}").Trim());
        Assert.Equal(_ws.Git("rev-parse", $"b~1:{_ws.SavedSource}"), _ws.Git("rev-parse", $"b:{_ws.SavedSource}"));
    }

    [Fact]
    public void Touching_one_file_rereads_only_that_file()
    {
        SampleFiles();
        _ws.Save("b");
        var path = Path.Combine(_ws.Source, "dir", "b.txt");
        File.WriteAllText(path, new string('B', 20_001));
        _ws.Index();
        var second = _ws.Save("b");
        Assert.Equal(20_001, second.Statistics.BytesRead);
        Assert.Equal(1, second.Statistics.FilesRead);
        Assert.Equal(2, second.Statistics.DirectoriesReused); // dir/deeper and other
        var changed = _ws.LsTree("b").Except(_ws.LsTree("b~1")).ToList();
        Assert.Contains(changed, l => l.EndsWith("\t" + Saved("dir/b.txt"), StringComparison.Ordinal));
        Assert.DoesNotContain(changed, l => l.Contains("/other/", StringComparison.Ordinal) || l.Contains("/deeper/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tree_moved_and_indexed_with_a_graft_is_not_read_again()
    {
        SampleFiles();
        var before = Path.Combine(_ws.Root, "before");
        var after = Path.Combine(_ws.Root, "after");
        Directory.Move(_ws.Source, before);
        IndexWithGraft(before);
        var first = _ws.Save("www", null, "/data");
        Assert.Equal(4, first.Statistics.FilesRead);

        Directory.Move(before, after);
        IndexWithGraft(after);
        var second = _ws.Save("www", null, "/data");
        Assert.Equal(0, second.Statistics.BytesRead);
        Assert.Empty(_ws.Warnings);
        Assert.Equal(_ws.Git("rev-parse", "www~1:data/dir"), _ws.Git("rev-parse", "www:data/dir"));
        Assert.Contains(_ws.LsTree("www"), l => l.Contains("\tdata/dir/deeper/c.bin.bup/", StringComparison.Ordinal));
    }

    private void IndexWithGraft(string real) =>
        _ws.Index(new IndexOptions { Grafts = [new GraftPoint(BackupWorkspace.B(real), "/data"u8.ToArray())] }, real);

    [Fact]
    public void A_vanished_file_is_skipped_with_a_warning_and_the_rest_is_saved()
    {
        SampleFiles();
        _ws.Index();
        File.Delete(Path.Combine(_ws.Source, "a.txt"));
        var result = _ws.Save("b");
        Assert.Equal(1, result.Statistics.Skipped);
        Assert.Equal(1, result.Statistics.Warnings);
        Assert.Contains(_ws.Warnings, w => w.Contains(_ws.Source + "/a.txt", StringComparison.Ordinal) && w.Contains("vanished", StringComparison.Ordinal));
        var listing = _ws.LsTree("b");
        Assert.DoesNotContain(listing, l => l.EndsWith("/a.txt", StringComparison.Ordinal));
        Assert.Contains(listing, l => l.EndsWith("\t" + Saved("other/d.txt"), StringComparison.Ordinal));
        Assert.False(_ws.Record(_ws.Source + "/").IsValid);
    }

    [Fact]
    public void A_path_whose_type_changed_since_indexing_is_skipped()
    {
        SampleFiles();
        _ws.Index();
        var path = Path.Combine(_ws.Source, "a.txt");
        File.Delete(path);
        Directory.CreateDirectory(path);
        var result = _ws.Save("b");
        Assert.Equal(1, result.Statistics.Skipped);
        Assert.Contains(_ws.Warnings, w => w.Contains("mode changed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_that_grows_while_read_is_stored_as_read_with_a_warning_and_read_again_next_time()
    {
        SampleFiles();
        _ws.Index();
        var path = Path.Combine(_ws.Source, "a.txt");
        var grown = 0;
        var options = new SaveOptions
        {
            Sources = [],
            OnProgress = (_, p) =>
            {
                if (Encoding.UTF8.GetString(p) == path && Interlocked.Exchange(ref grown, 1) == 0)
                {
                    File.AppendAllText(path, "-more");
                }
            },
        };
        var result = _ws.Save("b", options);
        Assert.Equal(1, result.Statistics.Warnings);
        Assert.Contains(_ws.Warnings, w => w.Contains(path, StringComparison.Ordinal) && w.Contains("changed while being read", StringComparison.Ordinal));
        Assert.Equal("alpha-more", _ws.Git("cat-file", "blob", $"b:{Saved("a.txt")}"));
        Assert.False(_ws.Record(path).IsValid);
        Assert.Equal(0, result.Statistics.Skipped);
    }

    [Fact]
    public void A_damaged_index_is_reported_rebuilt_and_the_save_completes()
    {
        SampleFiles();
        _ws.Save("b");
        var bytes = File.ReadAllBytes(_ws.IndexPath);
        bytes[bytes.Length / 3] ^= 0x10;
        File.WriteAllBytes(_ws.IndexPath, bytes);
        var result = _ws.Save("b");
        Assert.Contains(_ws.Warnings, w => w.Contains("damaged", StringComparison.Ordinal));
        Assert.Equal(_ws.Git("rev-parse", $"b~1:{_ws.SavedSource}"), _ws.Git("rev-parse", $"b:{_ws.SavedSource}"));
        Assert.Equal(0, result.Statistics.Skipped);
    }

    [Fact]
    public void Smaller_leaves_out_large_files_and_does_not_vouch_for_their_folder()
    {
        SampleFiles();
        var result = _ws.Save("b", new SaveOptions { Sources = [], Smaller = 50_000 });
        Assert.DoesNotContain(_ws.LsTree("b"), l => l.Contains("c.bin", StringComparison.Ordinal));
        Assert.Equal(5 + 20_000 + 5, result.Statistics.BytesRead);
        Assert.False(_ws.Record(_ws.Source + "/dir/deeper/").IsValid);
        _ws.Save("b");
        Assert.Contains(_ws.LsTree("b"), l => l.Contains("c.bin", StringComparison.Ordinal));
    }

    [Fact]
    public void The_total_to_read_is_known_before_reading_starts()
    {
        SampleFiles();
        _ws.Index();
        long total = -1, files = -1, readWhenStarted = -1;
        SaveStatistics? stats = null;
        var options = new SaveOptions
        {
            Sources = [],
            OnStart = (b, f) => (total, files, readWhenStarted) = (b, f, stats?.BytesRead ?? 0),
        };
        var result = _ws.Save("b", options);
        stats = result.Statistics;
        Assert.Equal(result.Statistics.BytesRead, total);
        Assert.Equal(4, files);
        Assert.Equal(0, readWhenStarted);
    }

    [Fact]
    public void Strip_collisions_keep_the_first_entry_and_warn()
    {
        _ws.Write("one/same.txt", "first");
        _ws.Write("two/same.txt", "second");
        _ws.AgeAll();
        var one = Path.Combine(_ws.Source, "one");
        var two = Path.Combine(_ws.Source, "two");
        _ws.Save("b", new SaveOptions { Sources = [], Strip = true }, one, two);
        Assert.Contains(_ws.Warnings, w => w.Contains("duplicate path same.txt", StringComparison.Ordinal));
        Assert.Equal("first", _ws.Git("cat-file", "blob", "b:same.txt"));
    }

    [Fact]
    public void Empty_files_and_fifos_point_at_an_empty_blob_the_fresh_repository_really_has()
    {
        _ws.Write("empty", "");
        ProcessRunner.Run("mkfifo", [Path.Combine(_ws.Source, "fifo")]);
        _ws.AgeAll();
        _ws.Save("b");
        Assert.Equal("", _ws.Git("cat-file", "blob", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"));
        Assert.Equal("", _ws.Git("cat-file", "blob", $"b:{Saved("fifo")}"));
        _ws.Git("fsck", "--strict", "--no-dangling");
    }
}
