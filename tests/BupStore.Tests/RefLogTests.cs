using BupStore.Objects;
using BupStore.Repository;
using Repo = BupStore.Repository.Repository;

namespace BupStore.Tests;

/// <summary>RefStore.LoggedValues: what a branch held before, read back from the reflog RefStore.Update writes.</summary>
public sealed class RefLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bupfs-reflog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ValuesComeNewestFirstWithoutZerosRepeatsOrDamagedLines()
    {
        using var repo = Repo.Init(_dir);
        var (a, b, c) = (ObjectId.EmptyTree, ObjectId.EmptyBlob, ObjectId.Parse("1111111111111111111111111111111111111111"));
        repo.Refs.Update("refs/heads/x", a, ObjectId.Zero);
        repo.Refs.Update("refs/heads/x", b, a);
        File.AppendAllText(Path.Combine(_dir, "logs", "refs", "heads", "x"), "not a reflog line\n" + c + " cut short\n");
        repo.Refs.Update("refs/heads/x", c, b);
        Assert.Equal([c, b, a], repo.Refs.LoggedValues("refs/heads/x"));
        Assert.Empty(repo.Refs.LoggedValues("refs/heads/never-written"));
        Assert.Throws<RepositoryException>(() => repo.Refs.LoggedValues("refs/heads/../../evil"));
    }
}
