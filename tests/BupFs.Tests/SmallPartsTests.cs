using BupFs.Tests.Support;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Tests;

/// <summary>The error map, path splitting and statfs.</summary>
[Collection(SavedTreeCollection.Name)]
public sealed class SmallPartsTests(SavedTree tree)
{
    [Fact]
    public void DomainErrorsMapToIoWithTheObjectNamed()
    {
        var id = ObjectId.EmptyBlob;
        var missing = FsErrors.FromException(new ObjectNotFoundException(id));
        Assert.Equal(FsError.Io, missing.Error);
        Assert.Contains(id.ToString(), missing.Message, StringComparison.Ordinal);
        var wrong = FsErrors.FromException(new WrongObjectTypeException(id, ObjectType.Tree, ObjectType.Blob));
        Assert.Equal(FsError.Io, wrong.Error);
        Assert.Contains(id.ToString(), wrong.Message, StringComparison.Ordinal);
        var corrupt = FsErrors.FromException(new CorruptObjectException($"tree {id}", "bad", 3));
        Assert.Equal(FsError.Io, corrupt.Error);
        Assert.Contains(id.ToString(), corrupt.Message, StringComparison.Ordinal);
        var original = new FsException(FsError.NotFound);
        Assert.Same(original, FsErrors.FromException(original));
        Assert.Equal(FsError.AccessDenied, FsErrors.FromException(new UnauthorizedAccessException()).Error);
        Assert.Equal(FsError.Io, FsErrors.FromException(new InvalidOperationException("bug")).Error);
        Assert.True(FsErrors.IsRepositoryFailure(new CorruptObjectException("x", "y")));
        Assert.False(FsErrors.IsRepositoryFailure(new InvalidOperationException()));
    }

    [Theory]
    [InlineData("/a/b", true, false, "a|b")]
    [InlineData("a//b/./c/", false, true, "a|b|c")]
    [InlineData("/a/..", true, false, "a|..")]
    [InlineData("/a/.", true, true, "a")]
    [InlineData("", false, false, "")]
    [InlineData("/", true, true, "")]
    public void PathsSplitAsBupDecomposesThem(string path, bool absolute, bool directory, string components)
    {
        var parts = VfsPath.Split(path.Bytes(), out var isAbsolute, out var mustBeDirectory);
        Assert.Equal(absolute, isAbsolute);
        Assert.Equal(directory, mustBeDirectory);
        Assert.Equal(components, string.Join('|', parts.Select(p => p.Text())));
    }

    [Fact]
    public void StatisticsReportThePacks()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var packBytes = Directory.GetFiles(repository.PackDir, "*.pack").Sum(p => new FileInfo(p).Length);
        var statistics = fs.GetStatistics();
        Assert.Equal(4096u, statistics.BlockSize);
        Assert.Equal((ulong)((packBytes + 4095) / 4096), statistics.TotalBlocks);
        Assert.Equal(0ul, statistics.FreeBlocks);
        Assert.Equal(255u, statistics.MaxNameLength);
    }
}
