using System.Text;
using System.Text.RegularExpressions;
using BupBackup.Index;
using BupBackup.Posix;
using BupStore.Formats;
using TestSupport;

namespace BupBackup.Tests.Index;

/// <summary>
/// The index walk scans directories ahead on several threads: what it yields, and the warnings it
/// reports, must be exactly what a one-at-a-time walk (no threads) gives, in the same order.
/// </summary>
public sealed class FileSystemWalkerTests : IDisposable
{
    private readonly ScratchFolder _folder = new("bupfs-walk-");

    public void Dispose() => _folder.Dispose();

    private static byte[] B(string path) => Encoding.UTF8.GetBytes(path);

    private (List<WalkEntry> Entries, List<string> Warnings) Walk(string root, int threads, IndexOptions? options = null)
    {
        var warnings = new List<string>();
        var walker = new FileSystemWalker((options ?? new IndexOptions()) with { OnWarning = warnings.Add }, threads);
        return ([.. walker.Walk(B(root))], warnings);
    }

    /// <summary>Directories at several depths, more of them than the prefetcher runs ahead, and one directory with many files.</summary>
    private string WideTree()
    {
        var root = _folder["tree"];
        for (var i = 0; i < 40; i++)
        {
            for (var j = 0; j < 5; j++)
            {
                var dir = Path.Combine(root, $"d{i:D2}", $"s{j}");
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "f.txt"), $"{i}/{j}");
                File.WriteAllText(Path.Combine(root, $"d{i:D2}", $"s{j}.txt"), "sibling sorts before the directory");
            }
        }

        var big = Path.Combine(root, "big");
        Directory.CreateDirectory(big);
        for (var i = 0; i < DirectoryScanner.ParallelThreshold * 3; i++)
        {
            File.WriteAllText(Path.Combine(big, $"file-{i}"), "");
        }

        Directory.CreateDirectory(Path.Combine(root, "real"));
        File.CreateSymbolicLink(Path.Combine(root, "link-to-dir"), "real");
        return root;
    }

    [Fact]
    public void Threads_give_the_entries_of_a_one_at_a_time_walk_in_index_order()
    {
        var root = WideTree();
        var (serial, _) = Walk(root, threads: 0);
        var (parallel, warnings) = Walk(root, threads: 8);
        Assert.Empty(warnings);
        Assert.True(serial.Count > 40 * 5 * 3 + DirectoryScanner.ParallelThreshold * 3, $"only {serial.Count} entries");
        Assert.Equal(serial.Select(e => Encoding.UTF8.GetString(e.RealPath)), parallel.Select(e => Encoding.UTF8.GetString(e.RealPath)));
        Assert.Equal(serial.Select(e => e.Status with { Atime = default }), parallel.Select(e => e.Status with { Atime = default }));
        for (var i = 1; i < parallel.Count; i++)
        {
            Assert.True(parallel[i - 1].RealPath.AsSpan().SequenceCompareTo(parallel[i].RealPath) < 0, $"entry {i} out of order");
        }
    }

    [Fact]
    public void Every_entry_has_its_own_lstat_and_symlinks_are_not_followed()
    {
        var root = WideTree();
        var (entries, _) = Walk(root, threads: 8);
        foreach (var entry in entries.Where((_, i) => i % 97 == 0))
        {
            Assert.Equal(PosixFiles.LStat(PathNames.ForSystem(entry.RealPath)) with { Atime = default }, entry.Status with { Atime = default });
        }

        var link = entries.Single(e => Encoding.UTF8.GetString(e.RealPath).EndsWith("/link-to-dir", StringComparison.Ordinal));
        Assert.Equal(PosixFileType.Symlink, link.Status.FileType);
        Assert.DoesNotContain(entries, e => Encoding.UTF8.GetString(e.RealPath).Contains("/link-to-dir/", StringComparison.Ordinal));
    }

    [Fact]
    public void Exclusions_and_one_file_system_hold_with_threads()
    {
        var root = WideTree();
        var options = new IndexOptions
        {
            Excludes = [B(Path.Combine(root, "d01"))],
            ExcludePatterns = [new Regex("/s3/$"), new Regex(@"file-1\d*$")],
        };
        var (serial, _) = Walk(root, threads: 0, options);
        var (parallel, _) = Walk(root, threads: 8, options);
        var paths = parallel.Select(e => Encoding.UTF8.GetString(e.RealPath)).ToList();
        Assert.Equal(serial.Select(e => Encoding.UTF8.GetString(e.RealPath)), paths);
        Assert.DoesNotContain(paths, p => p.Contains("/d01", StringComparison.Ordinal) || p.Contains("/s3/", StringComparison.Ordinal) || p.Contains("/file-1", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("/d02/s2/f.txt", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("/big/file-2", StringComparison.Ordinal));
    }

    /// <summary>
    /// Warnings without giving up root: each chain of directories gets deeper than PATH_MAX, where
    /// opening the next directory by its full path fails. The chains are scanned on different
    /// threads, finishing in any order; the warnings must still come in walk order.
    /// </summary>
    [Fact]
    public void Warnings_come_in_walk_order_whatever_finishes_first()
    {
        var root = _folder["deep"];
        Directory.CreateDirectory(root);
        var level = new string('n', 250);
        var script = $"for c in $(seq -w 1 24); do (cd {root} && mkdir c$c && cd c$c && for i in $(seq 20); do mkdir {level} && cd {level} && touch f; done); done";
        ProcessRunner.Run("bash", ["-c", script]);

        var (serial, serialWarnings) = Walk(root, threads: 0);
        var (parallel, warnings) = Walk(root, threads: 8);
        Assert.Equal(24, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("opendir", w, StringComparison.Ordinal));
        Assert.Equal(serialWarnings, warnings);
        var chains = warnings.Select(w => Regex.Match(w, @"/c(\d+)/").Groups[1].Value).ToList();
        Assert.Equal(chains.Order(StringComparer.Ordinal), chains);
        Assert.Equal(serial.Select(e => e.RealPath), parallel.Select(e => e.RealPath));
    }

    [Fact]
    public void A_walk_abandoned_early_stops_without_waiting_for_the_rest()
    {
        var root = WideTree();
        var walker = new FileSystemWalker(new IndexOptions(), threads: 8);
        var firstFew = walker.Walk(B(root)).Take(5).ToList();
        Assert.Equal(5, firstFew.Count);
        Assert.Equal(B(root + "/"), firstFew[0].RealPath);
    }
}
