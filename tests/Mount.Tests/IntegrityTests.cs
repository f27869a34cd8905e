using Mount.Tests.Support;
using TestSupport;

namespace Mount.Tests;

/// <summary>
/// Every reader a user has — cat-file (id and path), join, restore to disk, restore --tar and a
/// real mount — refuses bytes that are not the object asked for, and every one of them refuses the
/// same damaged chunk trees: a one-line error naming the object (and the file), a failing exit
/// status or EIO, never the wrong bytes, and the repository left exactly as it was.
/// </summary>
public sealed class IntegrityTests : IDisposable
{
    private const string SavedFile = "/main/latest/runs.bin";
    private readonly BupRepository _repo = BupRepository.Create();
    private readonly byte[] _content = ChunkRuns.Content();
    private readonly byte[] _runB = ChunkRuns.Run((byte)'B');

    public IntegrityTests()
    {
        var source = _repo.Path("src");
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Join(source, "runs.bin"), _content);
        File.WriteAllText(Path.Join(source, "small.txt"), "unharmed\n");
        _repo.Save("main", source, 1_700_000_000);
    }

    public static TheoryData<string> Variants => [.. ForgedChunkTrees.Variants];

    private static string RunA => ChunkRuns.BlobId(ChunkRuns.Run((byte)'A'));

    private static string RunB => ChunkRuns.BlobId(ChunkRuns.Run((byte)'B'));

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void SwappedIdxOffsetsFailEveryReaderNamingTheObject()
    {
        Assert.Contains(RunA, _repo.Git("ls-tree", "-r", "main:runs.bin.bup"), StringComparison.Ordinal);
        Assert.Contains(RunB, _repo.Git("ls-tree", "-r", "main:runs.bin.bup"), StringComparison.Ordinal);
        PackIndexSurgery.SwapOffsets(Directory.GetFiles(Path.Join(_repo.GitDir, "objects", "pack"), "*.idx").Single(), RunA, RunB);
        var before = RepositorySnapshot.Take(_repo.GitDir);

        var catId = _repo.BupfsBinary("cat-file", RunA);
        Assert.Equal(1, catId.ExitCode);
        Assert.Contains($"object {RunA}", catId.Stderr, StringComparison.Ordinal);
        Assert.Contains($"content hashes to {RunB}", catId.Stderr, StringComparison.Ordinal);
        Assert.Empty(catId.StdoutBytes);

        AssertEveryFileReaderFails(RunA, _content);
        Assert.Equal(before, RepositorySnapshot.Take(_repo.GitDir));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void AChunkTreeThatIsNotOneFailsEveryReaderTheSameWay(string variant)
    {
        var git = new GitPlumbing(_repo.GitDir);
        var (top, culprit) = ForgedChunkTrees.Build(git, variant);
        git.ReplaceRootEntry("main", "runs.bin.bup", top);
        var before = RepositorySnapshot.Take(_repo.GitDir);

        AssertEveryFileReaderFails(culprit, ForgedChunkTrees.Chunks());
        Assert.Equal(before, RepositorySnapshot.Take(_repo.GitDir));
    }

    // join, cat-file PATH, restore -C, restore --tar and a mount all fail naming `culprit`, and
    // what they wrote before failing is the start of `intact` (the chunks in their places), never other bytes.
    private void AssertEveryFileReaderFails(string culprit, byte[] intact)
    {
        foreach (var args in (string[][])[["join", "main:runs.bin.bup"], ["cat-file", SavedFile], ["restore", "--tar", SavedFile]])
        {
            var result = _repo.BupfsBinary(args);
            Assert.True(result.ExitCode != 0, $"{string.Join(' ', args)} exited 0");
            Assert.Contains(culprit, result.Stderr, StringComparison.Ordinal);
            Assert.Contains("runs.bin", result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.Split('\n'), line => line.Contains(culprit, StringComparison.Ordinal));
            Assert.False(result.StdoutBytes.AsSpan().IndexOf(_runB) >= 0, $"{string.Join(' ', args)} wrote the other chunk's bytes");
            if (args[0] != "restore")
            {
                AssertStartOf(intact, result.StdoutBytes);
            }
        }

        AssertRestoreFails(culprit, intact);
        AssertMountReadFails(intact);
    }

    private void AssertRestoreFails(string culprit, byte[] intact)
    {
        var destination = _repo.Path("restored");
        var result = _repo.Bupfs("restore", "-C", destination, SavedFile);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(culprit, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("runs.bin", result.Stderr, StringComparison.Ordinal);
        var restored = Path.Join(destination, "runs.bin");
        if (File.Exists(restored))
        {
            AssertStartOf(intact, File.ReadAllBytes(restored));
        }
    }

    private void AssertMountReadFails(byte[] intact)
    {
        using var mount = CliMount.Start(_repo);
        var read = new MemoryStream();
        var error = Assert.ThrowsAny<IOException>(() =>
        {
            using var file = File.OpenRead(mount["main/latest/runs.bin"]);
            file.CopyTo(read, 1 << 20);
        });
        Assert.DoesNotContain("No such file", error.Message, StringComparison.Ordinal);
        AssertStartOf(intact, read.ToArray());
        Assert.Equal("unharmed\n", File.ReadAllText(mount["main/latest/small.txt"]));
    }

    // Output cut short is fine; a byte that differs from what the chunks in their places hold is not.
    private void AssertStartOf(byte[] intact, byte[] output)
    {
        Assert.True(output.Length < _content.Length, $"{output.Length} bytes: as long as the whole file");
        Assert.False(output.AsSpan().IndexOf(_runB) >= 0, "the other chunk's bytes were written");
        if (output.Length > intact.Length || !output.AsSpan().SequenceEqual(intact.AsSpan(0, output.Length)))
        {
            Assert.Fail($"the {output.Length} bytes written are not the start of the file");
        }
    }
}
