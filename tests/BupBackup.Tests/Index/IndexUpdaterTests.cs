using System.Text;
using System.Text.RegularExpressions;
using BupBackup.Index;
using BupBackup.Tests.Save;
using BupStore.Objects;

namespace BupBackup.Tests.Index;

/// <summary>bupfs index against a real tree: what it records, what it notices, grafts and damage.</summary>
public sealed class IndexUpdaterTests : IDisposable
{
    private readonly BackupWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static string S(byte[] path) => Encoding.UTF8.GetString(path);

    [Fact]
    public void Records_every_path_with_its_ancestors_in_index_order()
    {
        _ws.Write("b/inner.txt", "x");
        _ws.Write("a.txt", "y");
        _ws.Write("b.txt", "z");
        _ws.Index();
        var paths = _ws.Records().Select(r => S(r.Path)).ToList();
        var src = _ws.Source + "/";
        Assert.Equal("/", paths[0]);
        Assert.Equal([src, src + "a.txt", src + "b.txt", src + "b/", src + "b/inner.txt"], paths.SkipWhile(p => p != src));
        var ancestors = paths.TakeWhile(p => p != src).ToList();
        Assert.All(ancestors, a => Assert.StartsWith(a, src));
        Assert.Equal(src.Count(c => c == '/') - 1, ancestors.Count);
    }

    [Fact]
    public void Records_lstat_and_bup_metadata_of_each_entry()
    {
        var file = _ws.Write("f.txt", "hello");
        File.CreateSymbolicLink(Path.Combine(_ws.Source, "link"), "f.txt");
        _ws.Index();
        var record = _ws.Record(file);
        var status = BupBackup.Posix.PosixFiles.LStat(Encoding.UTF8.GetBytes(file));
        Assert.Equal(status, record.Status);
        Assert.Equal(5, record.DecodeMetadata()!.Size);
        Assert.Equal("f.txt"u8.ToArray(), _ws.Record(_ws.Source + "/link").DecodeMetadata()!.SymlinkTarget);
        Assert.False(record.IsValid);
    }

    [Fact]
    public void Unchanged_tree_keeps_records_and_changes_are_noticed()
    {
        var changed = _ws.Write("changed.txt", "one");
        var deleted = _ws.Write("sub/deleted.txt", "two");
        _ws.Write("kept.txt", "three");
        _ws.AgeAll();

        // Grafted to /src: its ancestors are synthetic, so other processes writing to /tmp change nothing.
        var isolated = new IndexOptions { Grafts = [new GraftPoint(BackupWorkspace.B(_ws.Source), "/src"u8.ToArray())] };
        var first = _ws.Index(isolated);
        Assert.Equal(0, first.Changed);
        var again = _ws.Index(isolated);
        Assert.Equal((0L, 0L, 0L), (again.Added, again.Changed, again.Deleted));

        File.AppendAllText(changed, "more");
        File.Delete(deleted);
        _ws.Write("new.txt", "four");
        var third = _ws.Index(isolated);
        Assert.Equal(1, third.Added);
        Assert.Equal(1, third.Deleted);
        Assert.Equal(3, third.Changed); // changed.txt, and the two directories whose contents changed
        Assert.DoesNotContain(_ws.Records(), r => S(r.Path) == "/src/sub/deleted.txt");
        Assert.Equal(7, _ws.Record("/src/changed.txt").DecodeMetadata()!.Size);
    }

    [Fact]
    public void Excluded_paths_and_patterns_and_the_repository_are_left_out()
    {
        _ws.Write("keep.txt", "k");
        _ws.Write("skip/inner.txt", "s");
        _ws.Write("cache.tmp", "c");
        Directory.CreateSymbolicLink(Path.Combine(_ws.Source, "repo-link"), _ws.Repo);
        var options = new IndexOptions
        {
            Excludes = [BackupWorkspace.B(_ws.Source + "/skip")],
            ExcludePatterns = [new Regex(@"\.tmp$")],
        };
        _ws.Index(options, _ws.Root);
        var paths = _ws.Records().Select(r => S(r.Path)).ToList();
        Assert.Contains(_ws.Source + "/keep.txt", paths);
        Assert.DoesNotContain(paths, p => p.Contains("/skip", StringComparison.Ordinal) || p.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith(_ws.Repo + "/", StringComparison.Ordinal));
        Assert.Contains(_ws.Source + "/repo-link", paths); // a symlink is recorded, never followed
    }

    [Fact]
    public void Names_that_are_not_utf8_and_255_bytes_long_are_kept_as_bytes()
    {
        byte[] odd = [.. "odd-"u8, 0xFF, 0xFE];
        var longName = new string('n', 255);
        var dir = BackupWorkspace.B(_ws.Source + "/");
        ProcessRunner.Run("/bin/bash", ["-c", $"printf x > \"$1/$(printf 'odd-\\xff\\xfe')\"; printf y > \"$1/{longName}\"", "_", _ws.Source]);
        _ws.Index();
        var paths = _ws.Records().Select(r => r.Path).ToList();
        Assert.Contains(paths, p => p.AsSpan().SequenceEqual([.. dir, .. odd]));
        Assert.Contains(paths, p => p.AsSpan().SequenceEqual([.. dir, .. Encoding.ASCII.GetBytes(longName)]));
    }

    [Fact]
    public void Hardlink_groups_name_the_link_bup_would_pick()
    {
        var a = _ws.Write("a", "same");
        ProcessRunner.Run("ln", [a, Path.Combine(_ws.Source, "b")]);
        ProcessRunner.Run("mkdir", [Path.Combine(_ws.Source, "d")]);
        ProcessRunner.Run("ln", [a, Path.Combine(_ws.Source, "d", "c")]);
        _ws.Index();
        var targets = IndexFile.HardlinkTargets(_ws.IndexPath);
        var target = Assert.Single(targets).Value;

        // bup walks each folder in reverse order and keeps the first link it meets: the last in index order.
        Assert.Equal(_ws.Source + "/d/c", S(target));
    }

    [Fact]
    public void Graft_records_files_under_the_new_path_and_keeps_the_real_one()
    {
        var file = _ws.Write("www/index.html", "<p>");
        var old = _ws.Source + "/www";
        var options = new IndexOptions { Grafts = [new GraftPoint(BackupWorkspace.B(old), "/srv/site"u8.ToArray())] };
        _ws.Index(options, old);
        var records = _ws.Records();
        Assert.Equal(["/", "/srv/", "/srv/site/", "/srv/site/index.html"], records.Select(r => S(r.Path)));
        Assert.True(records[0].IsSynthetic && records[1].IsSynthetic);
        Assert.Equal(old + "/", S(records[2].RealPath));
        Assert.Equal(file, S(records[3].RealPath));
    }

    [Fact]
    public void Regraft_points_the_graft_at_its_new_place_without_walking()
    {
        _ws.Write("a/f.txt", "data");
        var options = new IndexOptions { Grafts = [new GraftPoint(BackupWorkspace.B(_ws.Source + "/a"), "/data"u8.ToArray())] };
        _ws.Index(options, _ws.Source + "/a");
        Directory.Move(Path.Combine(_ws.Source, "a"), Path.Combine(_ws.Source, "b"));
        var moved = new IndexOptions { Grafts = [new GraftPoint(BackupWorkspace.B(_ws.Source + "/b"), "/data"u8.ToArray())] };
        var stats = new IndexUpdater(_ws.IndexPath, moved).Regraft();
        Assert.Equal(1, stats.Changed);
        Assert.Equal(_ws.Source + "/b/f.txt", S(_ws.Record("/data/f.txt").RealPath));
    }

    [Fact]
    public void A_damaged_index_is_reported_and_rebuilt()
    {
        _ws.Write("f.txt", "x");
        _ws.Index();
        var bytes = File.ReadAllBytes(_ws.IndexPath);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(_ws.IndexPath, bytes);
        var stats = _ws.Index();
        Assert.Contains(_ws.Warnings, w => w.Contains("damaged", StringComparison.Ordinal));
        Assert.Equal(stats.Records, _ws.Records().Count);
        Assert.Contains(_ws.Records(), r => S(r.Path) == _ws.Source + "/f.txt");
    }

    [Fact]
    public void A_truncated_index_reads_as_damaged_not_as_garbage()
    {
        _ws.Write("f.txt", "x");
        _ws.Index();
        var bytes = File.ReadAllBytes(_ws.IndexPath);
        File.WriteAllBytes(_ws.IndexPath, bytes[..(bytes.Length - 10)]);
        Assert.Throws<BupStore.Formats.CorruptObjectException>(() => _ws.Records());
    }

    [Fact]
    public void Every_single_byte_change_is_detected()
    {
        _ws.Write("dir/f.txt", "content");
        _ws.Write("g.txt", "more");
        _ws.Index();
        var original = File.ReadAllBytes(_ws.IndexPath);
        for (var i = 0; i < original.Length; i++)
        {
            var damaged = (byte[])original.Clone();
            damaged[i] ^= 0x01;
            File.WriteAllBytes(_ws.IndexPath, damaged);
            var error = Record.Exception(() => _ws.Records());
            Assert.True(error is BupStore.Formats.CorruptObjectException, $"byte {i}: {error?.GetType().Name ?? "no error"}");
        }
    }

    [Fact]
    public void Root_of_the_filesystem_is_indexed_once_for_nested_paths()
    {
        _ws.Write("a/b/c.txt", "x");
        var updater = new IndexUpdater(_ws.IndexPath, new IndexOptions());
        var roots = updater.ReduceRoots([BackupWorkspace.B(_ws.Source + "/a/b"), BackupWorkspace.B(_ws.Source), BackupWorkspace.B(_ws.Source + "/a")], new IndexStatistics());
        Assert.Equal([_ws.Source + "/"], roots.Select(S));
    }

    [Fact]
    public void An_unchanged_tree_does_not_rewrite_the_index()
    {
        _ws.Write("f.txt", "x");
        _ws.AgeAll();
        var isolated = new IndexOptions { Grafts = [new GraftPoint(BackupWorkspace.B(_ws.Source), "/src"u8.ToArray())] };
        _ws.Index(isolated);
        var before = File.GetLastWriteTimeUtc(_ws.IndexPath);
        var inode = BupBackup.Posix.PosixFiles.LStat(BackupWorkspace.B(_ws.IndexPath)).Inode;
        Thread.Sleep(20);
        _ws.Index(isolated);
        Assert.Equal(inode, BupBackup.Posix.PosixFiles.LStat(BackupWorkspace.B(_ws.IndexPath)).Inode);
        Assert.Equal(before, File.GetLastWriteTimeUtc(_ws.IndexPath));
        Assert.Empty(Directory.GetFiles(_ws.Repo, ".bupfs-index.tmp-*"));
    }

    [Fact]
    public void Stale_compares_everything_bup_does_and_the_device_only_when_asked()
    {
        var record = new IndexRecord
        {
            Path = "/f"u8.ToArray(),
            RealPath = "/f"u8.ToArray(),
            Status = new BupBackup.Posix.FileStatus { Device = 1, Inode = 2, LinkCount = 1, Mode = 0x81A4, Uid = 3, Gid = 4, Size = 5, Mtime = new(6, 7), Ctime = new(8, 9), Atime = new(10, 11) },
        };
        var same = record.Status with { Atime = new(99, 0) };
        Assert.False(record.IsStale(same, checkDevice: true));
        Assert.True(record.IsStale(same with { Device = 9 }, checkDevice: true));
        Assert.False(record.IsStale(same with { Device = 9 }, checkDevice: false));
        foreach (var changed in new[]
        {
            same with { Inode = 9 }, same with { LinkCount = 2 }, same with { Mode = 0x81ED }, same with { Uid = 9 },
            same with { Gid = 9 }, same with { Size = 9 }, same with { Mtime = new(6, 8) }, same with { Ctime = new(8, 10) },
        })
        {
            Assert.True(record.IsStale(changed, checkDevice: false), changed.ToString());
        }

        record.Flags = IndexFlags.Racy;
        Assert.True(record.IsStale(same, checkDevice: true));
    }

    [Fact]
    public void One_file_system_records_a_mount_point_but_not_what_is_mounted_there()
    {
        _ws.Write("here.txt", "x");
        var mountPoint = Path.Combine(_ws.Source, "mnt");
        Directory.CreateDirectory(mountPoint);
        var (exit, _, error) = ProcessRunner.TryRun("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]);
        if (exit != 0)
        {
            Assert.Skip($"cannot mount a tmpfs here: {error.Trim()}");
        }

        try
        {
            File.WriteAllText(Path.Combine(mountPoint, "inside.txt"), "y");
            _ws.Index(new IndexOptions { OneFileSystem = true });
            var paths = _ws.Records().Select(r => S(r.Path)).ToList();
            Assert.Contains(mountPoint + "/", paths);
            Assert.DoesNotContain(mountPoint + "/inside.txt", paths);
            _ws.Index(new IndexOptions());
            Assert.Contains(mountPoint + "/inside.txt", _ws.Records().Select(r => S(r.Path)));
        }
        finally
        {
            ProcessRunner.TryRun("umount", [mountPoint]);
        }
    }
}
