namespace BupFs.Tests.Support;

/// <summary>Tests in this collection share one <see cref="SavedTree"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SavedTreeCollection : ICollectionFixture<SavedTree>
{
    public const string Name = "saved tree";
}
