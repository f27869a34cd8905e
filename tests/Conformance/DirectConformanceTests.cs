using Conformance.Cases;
using Conformance.Targets;

namespace Conformance;

/// <summary>Every case on the contract in-process (StagingFileSystem, RepoFileSystem).</summary>
public sealed class DirectConformanceTests(DirectTarget target) : IClassFixture<DirectTarget>
{
    public static TheoryData<string> Cases => ConformanceCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case(string name) => CaseRunner.Run(target, name);
}
