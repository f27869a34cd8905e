using BupFs.Repo;
using BupFs.Tests.Support;
using TestSupport;

namespace BupFs.Tests;

/// <summary>
/// Bytes that are not the object a read asked for never reach the reader: an idx that points an id
/// at another object, or a chunk tree that is not one, fails the read with Io naming the object.
/// </summary>
public sealed class IntegrityTests : IDisposable
{
    private const string File = "/main/latest/runs.bin";
    private readonly TestRepository _repo = TestRepository.Create();
    private readonly byte[] _content = ChunkRuns.Content();

    public IntegrityTests()
    {
        var source = _repo.Path("src");
        Directory.CreateDirectory(source);
        System.IO.File.WriteAllBytes(Path.Combine(source, "runs.bin"), _content);
        System.IO.File.WriteAllText(Path.Combine(source, "small.txt"), "unharmed\n");
        Tool.Run("bup", ["index", source], _repo.Environment);
        Tool.Run("bup", ["save", "--strip", "-n", "main", "-d", "1700000000", source], _repo.Environment);
    }

    private static string RunA => ChunkRuns.BlobId(ChunkRuns.Run((byte)'A'));

    private static string RunB => ChunkRuns.BlobId(ChunkRuns.Run((byte)'B'));

    public void Dispose() => _repo.Dispose();

    [Theory]
    [InlineData(1 << 20, false)] // chunks inflated straight into the reply
    [InlineData(4096, false)] // chunks decoded into the cache and copied from there
    [InlineData(1 << 20, true)] // the pack found through a midx (bup's names the pack, its idx the offset)
    public void SwappedIdxOffsetsFailTheReadNamingTheObject(int requestSize, bool midx)
    {
        if (midx)
        {
            // bup writes a midx only over several packs: a second save makes the second.
            var other = _repo.Path("other");
            Directory.CreateDirectory(other);
            System.IO.File.WriteAllText(Path.Combine(other, "note.txt"), "a second pack\n");
            Tool.Run("bup", ["index", other], _repo.Environment);
            Tool.Run("bup", ["save", "-n", "other", other], _repo.Environment);
            Tool.Run("bup", ["midx", "-f"], _repo.Environment);
            Assert.Single(Directory.GetFiles(Path.Combine(_repo.RepoPath, "objects", "pack"), "*.midx"));
        }

        SwapRunsInIdx();

        var before = RepositorySnapshot.Take(_repo.RepoPath);
        var (repository, fs) = _repo.Open();
        using (repository)
        using (fs)
        {
            var error = Assert.Throws<FsException>(() => fs.ReadAll(fs.Resolve(File).Inode, requestSize));
            Assert.Equal(FsError.Io, error.Error);
            Assert.Contains($"object {RunA}", error.Message, StringComparison.Ordinal);
            Assert.Contains($"content hashes to {RunB}", error.Message, StringComparison.Ordinal);
            Assert.Equal("unharmed\n", fs.ReadAll(fs.Resolve("/main/latest/small.txt").Inode).Text());
        }

        Assert.Equal(before, RepositorySnapshot.Take(_repo.RepoPath));
    }

    [Fact]
    public void ASwappedChunkFailsEvenWhenItIsReadAlone()
    {
        SwapRunsInIdx();
        var (repository, fs) = _repo.Open();
        using var _ = repository;
        using var __ = fs;
        var handle = fs.Open(fs.Resolve(File).Inode, OpenFlags.Read);
        var buffer = new byte[100];
        Assert.Equal(100, fs.Read(handle, buffer, 0)); // the chunks before the damage still read
        Assert.Equal(_content[..100], buffer);
        var bRun = _content.AsSpan().IndexOf(ChunkRuns.Run((byte)'B'));
        var error = Assert.Throws<FsException>(() => fs.Read(handle, new byte[1 << 20], bRun));
        Assert.Equal(FsError.Io, error.Error);
        Assert.Contains($"object {RunB}", error.Message, StringComparison.Ordinal);
        fs.Release(handle);
    }

    public static TheoryData<string> Variants => [.. ForgedChunkTrees.Variants];

    [Theory]
    [MemberData(nameof(Variants))]
    public void AChunkTreeThatIsNotOneFailsTheReadNamingIt(string variant)
    {
        var git = new GitPlumbing(_repo.RepoPath);
        var (top, culprit) = ForgedChunkTrees.Build(git, variant);
        git.ReplaceRootEntry("main", "runs.bin.bup", top);
        var (repository, fs) = _repo.Open();
        using var _ = repository;
        using var __ = fs;
        foreach (var requestSize in (int[])[1 << 20, 4096])
        {
            var error = Assert.Throws<FsException>(() => fs.ReadAll(fs.Resolve(File).Inode, requestSize));
            Assert.Equal(FsError.Io, error.Error);
            Assert.Contains(culprit, error.Message, StringComparison.Ordinal);
        }
    }

    private void SwapRunsInIdx()
    {
        var listing = _repo.Git("ls-tree", "-r", "main:runs.bin.bup");
        Assert.Contains(RunA, listing, StringComparison.Ordinal); // both runs must be whole chunks
        Assert.Contains(RunB, listing, StringComparison.Ordinal);
        var idx = Directory.GetFiles(Path.Combine(_repo.RepoPath, "objects", "pack"), "*.idx").Single(path => PackIndexSurgery.Holds(path, RunA));
        PackIndexSurgery.SwapOffsets(idx, RunA, RunB);
    }
}
