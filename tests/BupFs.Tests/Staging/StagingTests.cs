using System.Text;
using BupFs.Staging;
using BupFs.Tests.Support;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupFs.Tests.Staging;

/// <summary>The staging tree without a mount: changes through the contract, commits read back by real bup and git.</summary>
public sealed class StagingTests : IDisposable
{
    private static readonly FsCaller Root = new(0, 0, 0, 0);
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void NewBranch_FilesAndFolders_CommitIsReadByBupAndPassesGitFsck()
    {
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("staged content\n", 1000)));
        using (var session = Open("fresh"))
        {
            var fs = session.Fs;
            var d = fs.MakeDirectory(fs.RootNode, "dir"u8, 0x1ED, Root);
            WriteFile(fs, d.Inode, "file.txt", content);
            fs.MakeSymlink(d.Inode, "link"u8, "file.txt"u8, Root);
            fs.MakeNode(fs.RootNode, "fifo"u8, NodeKind.Fifo, 0x1A4, 0, Root);
            var commit = session.Commit("first staged save");
            Assert.Empty(commit.LeftOut);
        }

        Assert.Equal("dir\nfifo", _repo.Bup("UTC", "ls", "fresh/latest/").Trim());
        Assert.Equal(content, Join("fresh/latest/dir/file.txt"));
        Assert.Contains("-> file.txt", _repo.Bup("UTC", "ls", "-l", "fresh/latest/dir/"));
        _repo.Git("fsck", "--strict");
    }

    [Fact]
    public void ChangedFile_OnlyItsDirectoriesAreRewritten_AndBupRestoresTheEdit()
    {
        var source = _repo.Path("src");
        Directory.CreateDirectory(Path.Combine(source, "a", "deep"));
        Directory.CreateDirectory(Path.Combine(source, "b"));
        File.WriteAllText(Path.Combine(source, "a", "deep", "x.txt"), "x");
        File.WriteAllText(Path.Combine(source, "b", "y.txt"), "y");
        _repo.Save("main", 1_700_000_000, source);
        var before = TreeIds("main");
        using (var session = Open("main"))
        {
            var fs = session.Fs;
            var b = Resolve(fs, Encoding.UTF8.GetBytes(source.TrimStart('/') + "/b"));
            var y = fs.Lookup(b, "y.txt"u8).Inode;
            var handle = fs.Open(y, OpenFlags.Write | OpenFlags.Append);
            fs.Write(handle, "++"u8, 0);
            fs.Flush(handle);
            fs.Release(handle);
            session.Commit("edit");
        }

        var after = TreeIds("main");
        var a = source.TrimStart('/') + "/a";
        Assert.Equal(before[a], after[a]); // untouched subtree: same tree id
        Assert.NotEqual(before[source.TrimStart('/') + "/b"], after[source.TrimStart('/') + "/b"]);
        Assert.Equal("y++"u8.ToArray(), Join($"main/latest{source}/b/y.txt"));
        Assert.Equal("x"u8.ToArray(), Join($"main/latest{source}/a/deep/x.txt"));
        Assert.Equal(2, _repo.Bup("UTC", "ls", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l != "latest"));
    }

    [Fact]
    public void StagedChanges_SurviveReopening_AndCommitAfterwards()
    {
        using (var session = Open("persist"))
        {
            var d = session.Fs.MakeDirectory(session.Fs.RootNode, "kept"u8, 0x1ED, Root);
            WriteFile(session.Fs, d.Inode, "f", "durable"u8.ToArray());
        }

        using (var session = Open("persist"))
        {
            var d = session.Fs.Lookup(session.Fs.RootNode, "kept"u8);
            var f = session.Fs.Lookup(d.Inode, "f"u8);
            Assert.Equal(7, f.Size);
            session.Commit("after reopen");
        }

        Assert.Equal("durable"u8.ToArray(), Join("persist/latest/kept/f"));
    }

    [Fact]
    public void NamespaceErrors_AreThoseOfALocalFilesystem()
    {
        using var session = Open("errors");
        var fs = session.Fs;
        var d = fs.MakeDirectory(fs.RootNode, "d"u8, 0x1ED, Root).Inode;
        var sub = fs.MakeDirectory(d, "sub"u8, 0x1ED, Root).Inode;
        WriteFile(fs, d, "f", "1"u8.ToArray());
        Assert.Equal(FsError.Exists, Error(() => fs.MakeDirectory(fs.RootNode, "d"u8, 0x1ED, Root)));
        Assert.Equal(FsError.NotEmpty, Error(() => fs.RemoveDirectory(fs.RootNode, "d"u8)));
        Assert.Equal(FsError.InvalidArgument, Error(() => fs.Rename(fs.RootNode, "d"u8, sub, "x"u8, RenameFlags.None)));
        Assert.Equal(FsError.IsDirectory, Error(() => fs.Unlink(fs.RootNode, "d"u8)));
        Assert.Equal(FsError.NotDirectory, Error(() => fs.RemoveDirectory(d, "f"u8)));
        Assert.Equal(FsError.NotFound, Error(() => fs.Lookup(d, "missing"u8)));
        Assert.Equal(FsError.NameTooLong, Error(() => fs.MakeDirectory(d, Encoding.ASCII.GetBytes(new string('n', 256)), 0x1ED, Root)));
        Assert.Equal(FsError.Exists, Error(() => fs.Rename(d, "f"u8, d, "sub"u8, RenameFlags.NoReplace)));
        Assert.Equal(FsError.IsDirectory, Error(() => fs.Rename(d, "f"u8, d, "sub"u8, RenameFlags.None)));
        Assert.Equal(FsError.NotPermitted, Error(() => fs.Link(sub, fs.RootNode, "l"u8)));
        fs.Rename(d, "f"u8, d, "sub"u8, RenameFlags.Exchange);
        Assert.Equal(NodeKind.File, fs.Lookup(d, "sub"u8).Kind);
        Assert.Equal(NodeKind.Directory, fs.Lookup(d, "f"u8).Kind);
    }

    [Fact]
    public void HardLinks_ShareContent_AndBupRestoresThemLinked()
    {
        using (var session = Open("links"))
        {
            var fs = session.Fs;
            var a = WriteFile(fs, fs.RootNode, "a", "shared"u8.ToArray());
            var linked = fs.Link(a, fs.RootNode, "b"u8);
            Assert.Equal(2u, linked.LinkCount);
            session.Commit("links");
        }

        var target = _repo.Path("restored");
        _repo.Bup("UTC", "restore", "-C", target, "links/latest/");
        var first = new Mono.Unix.UnixFileInfo(Path.Combine(target, "a"));
        var second = new Mono.Unix.UnixFileInfo(Path.Combine(target, "b"));
        Assert.Equal(first.Inode, second.Inode);
        Assert.Equal("shared", File.ReadAllText(Path.Combine(target, "b")));
    }

    [Fact]
    public void NothingStaged_IsRefused_UnlessAllowEmpty()
    {
        using (var session = Open("empty"))
        {
            session.Fs.MakeDirectory(session.Fs.RootNode, "d"u8, 0x1ED, Root);
            session.Commit("one");
            var e = Assert.Throws<StagingException>(() => session.Commit("two"));
            Assert.Contains("nothing staged", e.Message);
            session.Commit("three", allowEmpty: true);
        }

        Assert.Equal(2, _repo.Bup("UTC", "ls", "empty").Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l != "latest"));
    }

    [Fact]
    public void BranchMoved_ChangesApplyPathByPath_AndTheTreeShowsBothSides()
    {
        var source = _repo.Path("src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "f"), "1");
        _repo.Save("moving", 1_700_000_000, source);
        using var session = Open("moving");
        var prefix = Encoding.UTF8.GetBytes(source.TrimStart('/'));
        var folder = Resolve(session.Fs, prefix);
        WriteFile(session.Fs, folder, "staged.txt", "mine"u8.ToArray());
        File.WriteAllText(Path.Combine(source, "theirs.txt"), "theirs");
        _repo.Save("moving", 1_700_000_100, source);
        session.Commit("merged");

        Assert.Equal("mine"u8.ToArray(), Join($"moving/latest{source}/staged.txt"));
        Assert.Equal("theirs"u8.ToArray(), Join($"moving/latest{source}/theirs.txt"));
        Assert.Equal(NodeKind.File, session.Fs.Lookup(folder, "theirs.txt"u8).Kind); // the staging tree follows the new save
        Assert.Empty(session.Fs.Status().Changes);
        Assert.Equal(3, _repo.Bup("UTC", "ls", "moving").Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l != "latest"));
    }

    [Fact]
    public void BranchMoved_ConflictsStopTheCommit_UnlessOurs()
    {
        var source = _repo.Path("src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "f"), "1");
        _repo.Save("clash", 1_700_000_000, source);
        using var session = Open("clash");
        var folder = Resolve(session.Fs, Encoding.UTF8.GetBytes(source.TrimStart('/')));
        var f = session.Fs.Lookup(folder, "f"u8).Inode;
        var handle = session.Fs.Open(f, OpenFlags.Write | OpenFlags.Truncate);
        session.Fs.Write(handle, "staged"u8, 0);
        session.Fs.Release(handle);
        File.WriteAllText(Path.Combine(source, "f"), "saved meanwhile");
        _repo.Save("clash", 1_700_000_100, source);
        var head = _repo.Git("rev-parse", "refs/heads/clash");

        var e = Assert.Throws<StagingException>(() => session.Commit("clash"));
        Assert.Contains($"{source}/f", e.Message);
        Assert.Equal(head, _repo.Git("rev-parse", "refs/heads/clash"));
        session.Commit("ours", ours: true);
        Assert.Equal("staged"u8.ToArray(), Join($"clash/latest{source}/f"));
    }

    [Fact]
    public void ResetOfPaths_RestoresTheBase_AndStatusListsWhatIsLeft()
    {
        var source = _repo.Path("src");
        Directory.CreateDirectory(Path.Combine(source, "sub"));
        File.WriteAllText(Path.Combine(source, "edited"), "base");
        File.WriteAllText(Path.Combine(source, "deleted"), "base");
        File.WriteAllText(Path.Combine(source, "sub", "moved"), "base");
        _repo.Save("reset", 1_700_000_000, source);
        using var session = Open("reset");
        var fs = session.Fs;
        var rel = source.TrimStart('/');
        var folder = Resolve(fs, Encoding.UTF8.GetBytes(rel));
        var handle = fs.Open(fs.Lookup(folder, "edited"u8).Inode, OpenFlags.Write | OpenFlags.Truncate);
        fs.Write(handle, "changed"u8, 0);
        fs.Release(handle);
        fs.Unlink(folder, "deleted"u8);
        WriteFile(fs, folder, "added", "new"u8.ToArray());
        fs.Rename(fs.Lookup(folder, "sub"u8).Inode, "moved"u8, folder, "moved"u8, RenameFlags.None);
        var codes = fs.Status().Changes.Select(c => c.ToString()).ToList();
        Assert.Contains($"M {rel}/edited", codes);
        Assert.Contains($"D {rel}/deleted", codes);
        Assert.Contains($"A {rel}/added", codes);
        Assert.Contains($"R {rel}/sub/moved -> {rel}/moved", codes);

        foreach (var path in new[] { "edited", "deleted", "added", "moved", "sub" })
        {
            fs.Reset(Encoding.UTF8.GetBytes($"{rel}/{path}"));
        }

        Assert.DoesNotContain(fs.Status().Changes, c => c.Code != 'm' && c.Path != rel + "/");
        Assert.Equal(FsError.NotFound, Error(() => fs.Lookup(folder, "added"u8)));
        Assert.Equal(4, fs.Lookup(folder, "deleted"u8).Size);
        Assert.Equal(4, fs.Lookup(fs.Lookup(folder, "sub"u8).Inode, "moved"u8).Size);
        var edited = fs.Open(fs.Lookup(folder, "edited"u8).Inode, OpenFlags.Read);
        var buffer = new byte[16];
        Assert.Equal("base", Encoding.UTF8.GetString(buffer, 0, fs.Read(edited, buffer, 0)));
        fs.Release(edited);
    }

    [Fact]
    public void AHostileBaseDirectory_IsFrozen_AndACommitKeepsItsTreeAsItWas()
    {
        var blob = Tool.Run("git", ["--git-dir", _repo.RepoPath, "hash-object", "-w", "--stdin"], _repo.Environment, stdin: "hi\n").Trim();
        var empty = Tool.Run("git", ["--git-dir", _repo.RepoPath, "mktree"], _repo.Environment, stdin: "").Trim();
        var submodule = Tool.Run("git", ["--git-dir", _repo.RepoPath, "commit-tree", empty, "-m", "submodule"], _repo.Environment).Trim();
        var hidden = Tool.Run("git", ["--git-dir", _repo.RepoPath, "mktree"], _repo.Environment,
            stdin: $"160000 commit {submodule}\tmodule\n100644 blob {blob}\tfile\n").Trim();
        var root = Tool.Run("git", ["--git-dir", _repo.RepoPath, "mktree"], _repo.Environment,
            stdin: $"040000 tree {hidden}\tbad\n100644 blob {blob}\tok\n").Trim();
        var commit = Tool.Run("git", ["--git-dir", _repo.RepoPath, "commit-tree", root, "-m", "forged"], _repo.Environment).Trim();
        _repo.Git("update-ref", "refs/heads/hostile", commit);

        using (var session = Open("hostile"))
        {
            var fs = session.Fs;
            var bad = fs.Lookup(fs.RootNode, "bad"u8).Inode;
            Assert.Equal(["file"], fs.ReadDirectory(bad).Select(e => Encoding.UTF8.GetString(e.Name)));
            Assert.Equal(FsError.ReadOnly, Error(() => fs.MakeDirectory(bad, "new"u8, 0x1ED, Root)));
            Assert.Equal(FsError.ReadOnly, Error(() => fs.Rename(fs.RootNode, "ok"u8, bad, "ok"u8, RenameFlags.None)));
            Assert.Equal(FsError.ReadOnly, Error(() => fs.Unlink(bad, "file"u8)));
            WriteFile(fs, fs.RootNode, "added", "new"u8.ToArray());
            session.Commit("around the hostile directory");
        }

        var entries = _repo.Git("ls-tree", "refs/heads/hostile");
        Assert.Contains($"040000 tree {hidden}\tbad", entries);
        Assert.Equal(hidden, _repo.Git("rev-parse", "refs/heads/hostile:bad"));
    }

    [Fact]
    public void AFileOpenForWritingAtCommit_GoesInAsLastCommitted_AndStaysStaged()
    {
        using var session = Open("open");
        var fs = session.Fs;
        var f = WriteFile(fs, fs.RootNode, "f", "first"u8.ToArray());
        session.Commit("first");
        var handle = fs.Open(f, OpenFlags.Write | OpenFlags.Truncate);
        fs.Write(handle, "second"u8, 0);
        var created = fs.Create(fs.RootNode, "new"u8, 0x1A4, OpenFlags.Write, Root);
        var result = session.Commit("while open", allowEmpty: true);
        Assert.Equal(["/f", "/new"], result.LeftOut.Order());
        Assert.Equal("first"u8.ToArray(), Join("open/latest/f"));
        Assert.Equal("ls-tree: no new", _repo.Git("ls-tree", "refs/heads/open", "new") is "" ? "ls-tree: no new" : "present");
        fs.Release(handle);
        fs.Release(created.Handle);
        session.Commit("after close");
        Assert.Equal("second"u8.ToArray(), Join("open/latest/f"));
        Assert.Empty(Join("open/latest/new"));
    }

    [Fact]
    public void AReaderOpenedBeforeACopyUp_SeesTheWrites()
    {
        using var session = Open("readers");
        var fs = session.Fs;
        var f = WriteFile(fs, fs.RootNode, "f", "old content"u8.ToArray());
        session.Commit("base");
        var reader = fs.Open(f, OpenFlags.Read);
        var writer = fs.Open(f, OpenFlags.Read | OpenFlags.Write);
        fs.Write(writer, "NEW"u8, 0);
        var buffer = new byte[32];
        Assert.Equal("NEW content", Encoding.UTF8.GetString(buffer, 0, fs.Read(reader, buffer, 0)));
        fs.Release(writer);
        Assert.Equal("NEW content", Encoding.UTF8.GetString(buffer, 0, fs.Read(reader, buffer, 0)));
        fs.Release(reader);
        session.Commit("edited");
        Assert.Equal("NEW content"u8.ToArray(), Join("readers/latest/f"));

        var untouched = fs.Open(f, OpenFlags.Read | OpenFlags.Write); // opened read-write, only read
        Assert.Equal(11, fs.Read(untouched, buffer, 0));
        fs.Release(untouched);
        Assert.Empty(fs.Status().Changes);
    }

    [Fact]
    public void ClosedFiles_AreSplitInTheBackground_InFewPacks_AndAWriteInvalidatesTheSplit()
    {
        var packsBefore = Directory.GetFiles(Path.Combine(_repo.RepoPath, "objects", "pack"), "*.pack").Length;
        using (var session = Open("background"))
        {
            var fs = session.Fs;
            var inodes = Enumerable.Range(0, 50).Select(i => WriteFile(fs, fs.RootNode, $"f{i}", Encoding.UTF8.GetBytes($"file {i}\n"))).ToList();
            fs.FlushSplits();
            Assert.All(inodes, inode => Assert.NotNull(fs.Tree.Get(inode).SplitId));
            var handle = fs.Open(inodes[0], OpenFlags.Write | OpenFlags.Append);
            Assert.Null(fs.Tree.Get(inodes[0]).SplitId);
            fs.Write(handle, "more\n"u8, 0);
            fs.Release(handle);
            session.Commit("split after close");
        }

        Assert.Equal("file 0\nmore\n"u8.ToArray(), Join("background/latest/f0"));
        Assert.Equal("file 49\n"u8.ToArray(), Join("background/latest/f49"));
        var packsAfter = Directory.GetFiles(Path.Combine(_repo.RepoPath, "objects", "pack"), "*.pack").Length;
        Assert.InRange(packsAfter - packsBefore, 1, 4);
    }

    [Fact]
    public void TruncateShrinkThenGrow_ReportsAndCommitsTheNewSize()
    {
        // Found by the conformance suite (truncate-shrink-grow): setattr wrote back the size it read before truncating.
        using (var session = Open("sizes"))
        {
            var fs = session.Fs;
            var f = WriteFile(fs, fs.RootNode, "f", "abcdefgh"u8.ToArray());
            Assert.Equal(3, fs.SetAttributes(f, null, new AttributeChanges { Size = 3 }).Size);
            Assert.Equal(3, fs.GetAttributes(f).Size);
            Assert.Equal(6, fs.SetAttributes(f, null, new AttributeChanges { Size = 6 }).Size);
            Assert.Equal(6, fs.GetAttributes(f).Size);
            session.Commit("shrunk and grown");
        }

        Assert.Equal("abc\0\0\0"u8.ToArray(), Join("sizes/latest/f"));
    }

    [Fact]
    public void OpenWithTruncate_OfAClosedFile_EmptiesItsSizeToo()
    {
        // Found by the conformance suite (open-truncate): the spool was emptied but the stored size kept.
        using var session = Open("otrunc");
        var fs = session.Fs;
        var f = WriteFile(fs, fs.RootNode, "f", "some content"u8.ToArray());
        var handle = fs.Open(f, OpenFlags.Write | OpenFlags.Truncate);
        fs.Flush(handle);
        fs.Release(handle);
        Assert.Equal(0, fs.GetAttributes(f).Size);
        Assert.Equal(0, fs.Lookup(fs.RootNode, "f"u8).Size);
    }

    [Fact]
    public void LookupOfANameOver255Bytes_IsNameTooLong()
    {
        // As lstat(2) on Linux filesystems: ENAMETOOLONG, not ENOENT (conformance case name-too-long).
        using var session = Open("names");
        var fs = session.Fs;
        Assert.Equal(FsError.NameTooLong, Error(() => fs.Lookup(fs.RootNode, new byte[256])));
        Assert.Equal(FsError.NotFound, Error(() => fs.Lookup(fs.RootNode, Enumerable.Repeat((byte)'n', 255).ToArray())));
    }

    private static ulong WriteFile(IWritableFileSystem fs, ulong parent, string name, byte[] content)
    {
        var created = fs.Create(parent, Encoding.UTF8.GetBytes(name), 0x1A4, OpenFlags.Write, Root);
        fs.Write(created.Handle, content, 0);
        fs.Flush(created.Handle);
        fs.Release(created.Handle);
        return created.Attributes.Inode;
    }

    private static ulong Resolve(IFileSystem fs, byte[] path)
    {
        var node = fs.RootNode;
        foreach (var part in Encoding.UTF8.GetString(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = fs.Lookup(node, Encoding.UTF8.GetBytes(part)).Inode;
        }

        return node;
    }

    private static FsError Error(Action action) => Assert.Throws<FsException>(action).Error;

    private byte[] Join(string path)
    {
        var (repository, fs) = _repo.Open();
        using (repository)
        using (fs)
        {
            using var stream = fs.OpenRead(fs.Resolve(Encoding.UTF8.GetBytes("/" + path)).Inode);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }

    // Every directory of the latest save of BRANCH, by path, with its tree id (git ls-tree -r -t).
    private Dictionary<string, string> TreeIds(string branch) =>
        _repo.Git("ls-tree", "-r", "-t", "refs/heads/" + branch)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(p => p[0].Contains(" tree ", StringComparison.Ordinal))
            .ToDictionary(p => p[1], p => p[0].Split(' ')[2]);

    private Session Open(string branch) => new(_repo.RepoPath, branch);

    private sealed class Session : IDisposable
    {
        private readonly Repository _repository;
        private readonly StagingArea _area;

        public Session(string repoPath, string branch)
        {
            _repository = Repository.Open(repoPath);
            _area = StagingArea.Open(repoPath, branch);
            ObjectId? head = _repository.Refs.TryRead("refs/heads/" + branch, out var id) ? id : null;
            Fs = StagingFileSystem.Open(_repository, _area, head);
        }

        public StagingFileSystem Fs { get; }

        public StagingCommitResult Commit(string message, bool allowEmpty = false, bool ours = false)
        {
            return new StagingCommitter(Fs, new WriterOptions { CompressionLevel = 1 }).Commit(Encoding.UTF8.GetBytes(message + "\n"), null, allowEmpty, ours);
        }

        public void Dispose()
        {
            Fs.Dispose();
            _area.Dispose();
            _repository.Dispose();
        }
    }
}
