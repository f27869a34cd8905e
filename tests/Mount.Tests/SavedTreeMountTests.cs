using System.Security.Cryptography;
using Mono.Unix.Native;
using Mount.Tests.Support;
using TestSupport;

namespace Mount.Tests;

/// <summary>
/// A rich source tree saved into a real repository and mounted with `bupfs mount`: everything seen
/// through the kernel must match the source (diff -r, every stat field, xattrs and ACLs, content at
/// random offsets, under concurrent readers) and what real bup's own VFS says about the save.
/// </summary>
public abstract class SavedTreeMountTests
{
    private readonly SavedTreeFixture _tree;

    protected SavedTreeMountTests(SavedTreeFixture tree)
    {
        _tree = tree;
        if (tree.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    [Fact]
    public void DiffFindsNoDifference()
    {
        // diff reports two fifos (or devices) as different even when both are fifos: the comparer checks those.
        ProcessResult diff = Processes.Execute("diff", ["-r", "--no-dereference", "-x", "fifo", "-x", "char-device", _tree.Source, _tree.Saved]);
        Assert.Equal("", diff.Stdout + diff.Stderr);
        Assert.Equal(0, diff.ExitCode);
    }

    [Fact]
    public void EveryEntryMatchesTheSource()
    {
        // Names as bytes, types, permissions, owners, sizes, content, link targets, rdev, ns mtimes,
        // hardlink groups and link counts; xattrs where the saving tool keeps them.
        var options = new TreeCompareOptions { Xattrs = _tree.KeepsXattrs };
        Assert.Empty(TreeComparer.Compare(_tree.Source, _tree.Saved, options));
    }

    [Fact]
    public void AclsAndXattrsAreShownAsTheToolKeptThem()
    {
        foreach (string relative in new[] { "modes/private", "modes/dir-0700", "text.txt", "modes/exec", "empty-dir" })
        {
            var source = Xattrs.Read(UnixNames.Join(_tree.Source, relative));
            var mounted = Xattrs.Read(UnixNames.Join(_tree.Saved, relative));
            var expected = source.Where(a => _tree.KeepsXattrs || a.Key.StartsWith("system.posix_acl_", StringComparison.Ordinal)).ToList();
            Assert.Equal(expected.Select(a => a.Key), mounted.Keys);
            Assert.All(expected, a => Assert.Equal(a.Value, mounted[a.Key]));
        }

        Assert.Contains("system.posix_acl_access", Xattrs.Read(UnixNames.Join(_tree.Saved, "modes/private")).Keys);
        Assert.Contains("system.posix_acl_default", Xattrs.Read(UnixNames.Join(_tree.Saved, "modes/dir-0700")).Keys);
    }

    [Fact]
    public void EveryStatFieldMatchesWhatBupRecorded()
    {
        List<SavedEntry> saved = SaveOracle.Dump(_tree.Repo, $"/{SavedTreeFixture.Branch}/latest");
        Assert.True(saved.Count > 2000, $"only {saved.Count} entries in the save");
        Assert.Equal(0, Syscall.lstat(_tree.Saved, out Stat root));
        var problems = new List<string>();
        foreach (SavedEntry entry in saved)
        {
            string path = entry.Path.Length == 0 ? _tree.Saved : UnixNames.Join(_tree.Saved, UnixNames.FromBytes(entry.Path));
            if (Syscall.lstat(path, out Stat stat) != 0)
            {
                problems.Add($"{path}: lstat {Stdlib.GetLastError()}");
                continue;
            }

            problems.AddRange(Differences(entry.Path.Length == 0 ? AsSaveRoot(entry) : entry, stat, root));
        }

        Assert.Empty(problems.Take(40));
    }

    [Fact]
    public void FoldersCountTheirSubfoldersAndHardlinksShareOneInode()
    {
        foreach (string folder in new[] { "", "small", "small/d3", "hard/nested", "names" })
        {
            Assert.Equal(0, Syscall.lstat(UnixNames.Join(_tree.Source, folder), out Stat source));
            Assert.Equal(0, Syscall.lstat(UnixNames.Join(_tree.Saved, folder), out Stat mounted));
            Assert.Equal(source.st_nlink, mounted.st_nlink);
        }

        var group = new[] { "hard/a", "hard/b", "hard/nested/deeper/c" }.Select(p => Inode(UnixNames.Join(_tree.Saved, p))).Distinct().ToList();
        Assert.Single(group);
        Assert.NotEqual(Inode(UnixNames.Join(_tree.Saved, "hard/a")), Inode(UnixNames.Join(_tree.Saved, "hard/pair-1")));
    }

    [Fact]
    public void ListedInodesAndTypesAgreeWithStat()
    {
        string folder = UnixNames.Join(_tree.Saved, "links");
        IntPtr directory = Syscall.opendir(folder);
        Assert.NotEqual(IntPtr.Zero, directory);
        try
        {
            int seen = 0;
            for (Dirent? entry = Syscall.readdir(directory); entry is not null; entry = Syscall.readdir(directory))
            {
                if (entry.d_name is "." or "..")
                {
                    continue;
                }

                Assert.Equal(0, Syscall.lstat(UnixNames.Join(folder, entry.d_name), out Stat stat));
                Assert.Equal(stat.st_ino, entry.d_ino);
                Assert.Equal(10, entry.d_type); // DT_LNK: every entry of links/ is a symlink
                seen++;
            }

            Assert.Equal(4, seen);
        }
        finally
        {
            Syscall.closedir(directory);
        }
    }

    [Fact]
    public void ExtremeNamesAreThere()
    {
        foreach (string name in new[] { SampleTree.LongName, UnixNames.FromBytes(SampleTree.NonUtf8Name), "ünïcødé 日本語.txt" })
        {
            Assert.Equal(0, Syscall.lstat(UnixNames.Join(_tree.Saved, "names/" + name), out Stat stat));
            Assert.Equal(FilePermissions.S_IFREG, stat.st_mode & FilePermissions.S_IFMT);
        }

        Assert.Equal(255, SampleTree.LongName.Length);
    }

    [Fact]
    public void TheMountShowsWhatBupFuseShows()
    {
        using BupFuseMount bupFuse = BupFuseMount.Start(_tree.Repo);
        string branch = SavedTreeFixture.Branch;
        Assert.Equal(Names(bupFuse.Path), Names(_tree.Mount.Path));
        Assert.Equal(Names(bupFuse[branch]), Names(_tree.Mount[branch]));
        Assert.Equal(new DirectoryInfo(bupFuse[$"{branch}/latest"]).LinkTarget, new DirectoryInfo(_tree.Mount[$"{branch}/latest"]).LinkTarget);

        // bup fuse reports whole seconds, nlink 1 and no rdev; everything else it shows must agree.
        var problems = new List<string>();
        int compared = CompareWithBupFuse(UnixNames.Join(bupFuse.Path, $"{branch}/{_tree.SaveName}"), _tree.Saved, "", problems);
        Assert.Empty(problems.Take(40));
        Assert.True(compared > 2000, $"only {compared} entries compared");
    }

    [Fact]
    public void AThousandRandomReadsMatchTheSource()
    {
        var random = new Random(1234);
        var files = _tree.Info.RegularFiles.Where(f => Size(UnixNames.Join(_tree.Source, f)) > 0).ToList();
        string[] big = ["random.bin", "text.txt", _tree.Info.SparseFile!, "boundary/size-8192", "boundary/size-65535"];
        using var handles = new HandlePairs(_tree.Source, _tree.Saved);
        for (int i = 0; i < 1000; i++)
        {
            // Half the reads hit the big, multi-chunk files; the rest any file, also past the end.
            string file = i % 2 == 0 ? big[random.Next(big.Length)] : files[random.Next(files.Count)];
            long size = Size(UnixNames.Join(_tree.Source, file));
            long offset = random.NextInt64(0, size + 100);
            int length = random.Next(1, random.Next(2) == 0 ? 4096 : 300_000);
            (byte[] expected, byte[] actual) = handles.Read(file, offset, length);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{file} at {offset}+{length}: {expected.Length} bytes expected, {actual.Length} read, or content differs");
        }
    }

    [Fact]
    public void EightReadersAtOnceReadTheSourceBytes()
    {
        string[] files = ["random.bin", "text.txt", _tree.Info.SparseFile!, "hard/pair-1", "random.bin", _tree.Info.SparseFile!, "boundary/size-65535", "text.txt"];
        var expected = files.Distinct().ToDictionary(f => f, f => Sha256(UnixNames.Join(_tree.Source, f), 1 << 20));
        using var start = new Barrier(files.Length);
        var results = new string[files.Length];
        var readers = files.Select((file, i) => new Thread(() =>
        {
            start.SignalAndWait();
            results[i] = Sha256(UnixNames.Join(_tree.Saved, file), 4096 << (i % 6)); // 4 KiB .. 128 KiB reads
        })).ToList();
        readers.ForEach(reader => reader.Start());
        Assert.All(readers, reader => Assert.True(reader.Join(TimeSpan.FromMinutes(2)), "a reader did not finish"));
        for (int i = 0; i < files.Length; i++)
        {
            Assert.Equal(expected[files[i]], results[i]);
        }
    }

    /// <summary>Compares two folders recursively; returns how many entries were compared.</summary>
    private static int CompareWithBupFuse(string reference, string ours, string relative, List<string> problems)
    {
        int compared = 0;
        var left = Names(reference);
        var right = Names(ours);
        if (!left.SequenceEqual(right))
        {
            problems.Add($"{relative}/: bup fuse lists [{string.Join(", ", left.Except(right))}], bupfs [{string.Join(", ", right.Except(left))}]");
        }

        foreach (string name in left.Intersect(right))
        {
            string path = relative.Length == 0 ? name : relative + "/" + name;
            Assert.Equal(0, Syscall.lstat(UnixNames.Join(reference, name), out Stat a));
            Assert.Equal(0, Syscall.lstat(UnixNames.Join(ours, name), out Stat b));
            var fields = new (string Field, object Expected, object Actual)[]
            {
                ("mode", a.st_mode, b.st_mode), ("uid", a.st_uid, b.st_uid), ("gid", a.st_gid, b.st_gid),
                ("size", (a.st_mode & FilePermissions.S_IFMT) == FilePermissions.S_IFDIR ? 0 : a.st_size, (b.st_mode & FilePermissions.S_IFMT) == FilePermissions.S_IFDIR ? 0 : b.st_size),
                ("atime", a.st_atime, b.st_atime), ("mtime", a.st_mtime, b.st_mtime), ("ctime", a.st_ctime, b.st_ctime),
            };
            problems.AddRange(fields.Where(f => !f.Expected.Equals(f.Actual)).Select(f => $"{path}: {f.Field} bup fuse {f.Expected}, bupfs {f.Actual}"));
            if ((a.st_mode & FilePermissions.S_IFMT) == FilePermissions.S_IFLNK && Mono.Unix.UnixPath.ReadLink(UnixNames.Join(reference, name)) != Mono.Unix.UnixPath.ReadLink(UnixNames.Join(ours, name)))
            {
                problems.Add($"{path}: symlink targets differ");
            }

            compared++;
            if ((a.st_mode & FilePermissions.S_IFMT) == FilePermissions.S_IFDIR)
            {
                compared += CompareWithBupFuse(UnixNames.Join(reference, name), UnixNames.Join(ours, name), path, problems);
            }
        }

        return compared;
    }

    private static List<string> Names(string folder) =>
        [.. new Mono.Unix.UnixDirectoryInfo(folder).GetFileSystemEntries().Select(e => e.Name).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The save's folder shows the commit's time (author date) for all three times, as bup fuse
    /// and bup ls do, rather than the saved folder's own times; mode and owners are the folder's.
    /// </summary>
    private SavedEntry AsSaveRoot(SavedEntry entry)
    {
        long commitNs = _tree.CommitTime * 1_000_000_000;
        return entry with { AtimeNs = commitNs, MtimeNs = commitNs, CtimeNs = commitNs };
    }

    private static IEnumerable<string> Differences(SavedEntry entry, Stat stat, Stat root)
    {
        string name = entry.Path.Length == 0 ? "." : UnixNames.FromBytes(entry.Path);
        var type = (FilePermissions)entry.Mode & FilePermissions.S_IFMT;
        var checks = new List<(string Field, object Expected, object Actual)>
        {
            ("mode", entry.Mode, (uint)stat.st_mode),
            ("uid", entry.Uid, stat.st_uid),
            ("gid", entry.Gid, stat.st_gid),
            ("atime", entry.AtimeNs, (stat.st_atime * 1_000_000_000) + stat.st_atime_nsec),
            ("mtime", entry.MtimeNs, (stat.st_mtime * 1_000_000_000) + stat.st_mtime_nsec),
            ("ctime", entry.CtimeNs, (stat.st_ctime * 1_000_000_000) + stat.st_ctime_nsec),
            ("dev", root.st_dev, stat.st_dev),
            ("blocks", (stat.st_size + 511) / 512, stat.st_blocks),
        };
        if (type is FilePermissions.S_IFREG or FilePermissions.S_IFLNK)
        {
            checks.Add(("size", entry.Size, stat.st_size));
        }

        if (type is FilePermissions.S_IFCHR or FilePermissions.S_IFBLK)
        {
            checks.Add(("rdev", entry.Rdev, stat.st_rdev));
        }

        return checks.Where(c => !c.Expected.Equals(c.Actual)).Select(c => $"{name}: {c.Field} {c.Expected} != {c.Actual}");
    }

    private static ulong Inode(string path) =>
        Syscall.lstat(path, out Stat stat) == 0 ? stat.st_ino : throw new IOException($"lstat {path}: {Stdlib.GetLastError()}");

    private static long Size(string path) =>
        Syscall.lstat(path, out Stat stat) == 0 ? stat.st_size : throw new IOException($"lstat {path}: {Stdlib.GetLastError()}");

    private static string Sha256(string path, int bufferSize)
    {
        using var stream = new Mono.Unix.UnixFileInfo(path).OpenRead();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[bufferSize];
        for (int n; (n = stream.Read(buffer, 0, buffer.Length)) > 0;)
        {
            hash.AppendData(buffer, 0, n);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The same relative file opened in the source and in the mount, read with pread at the same spots.</summary>
    private sealed class HandlePairs(string source, string mounted) : IDisposable
    {
        private readonly Dictionary<string, (int Source, int Mounted)> _open = [];

        public (byte[] Expected, byte[] Actual) Read(string relative, long offset, int length)
        {
            if (!_open.TryGetValue(relative, out var pair))
            {
                pair = (Open(UnixNames.Join(source, relative)), Open(UnixNames.Join(mounted, relative)));
                _open[relative] = pair;
            }

            return (PRead(pair.Source, offset, length), PRead(pair.Mounted, offset, length));
        }

        public void Dispose()
        {
            foreach ((int a, int b) in _open.Values)
            {
                Syscall.close(a);
                Syscall.close(b);
            }
        }

        private static int Open(string path)
        {
            int fd = Syscall.open(path, OpenFlags.O_RDONLY);
            return fd >= 0 ? fd : throw new IOException($"open {path}: {Stdlib.GetLastError()}");
        }

        private static unsafe byte[] PRead(int fd, long offset, int length)
        {
            var buffer = new byte[length];
            int total = 0;
            fixed (byte* data = buffer)
            {
                while (total < length)
                {
                    long n = Syscall.pread(fd, data + total, (ulong)(length - total), offset + total);
                    if (n < 0)
                    {
                        throw new IOException($"pread: {Stdlib.GetLastError()}");
                    }

                    if (n == 0)
                    {
                        break;
                    }

                    total += (int)n;
                }
            }

            return buffer[..total];
        }
    }
}

/// <summary>The sample tree saved by real bup.</summary>
public sealed class BupSaveMountTests(BupSavedTree tree) : SavedTreeMountTests(tree), IClassFixture<BupSavedTree>;

/// <summary>The sample tree saved by bupfs itself.</summary>
public sealed class BupfsSaveMountTests(BupfsSavedTree tree) : SavedTreeMountTests(tree), IClassFixture<BupfsSavedTree>;
