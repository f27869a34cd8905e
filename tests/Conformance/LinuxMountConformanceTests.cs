using Conformance.Cases;
using Mount.Tests.Support;
using Conformance.Targets;

namespace Conformance;

/// <summary>Every case as system calls through real `bupfs mount` FUSE mounts (skipped without /dev/fuse).</summary>
public sealed class LinuxMountConformanceTests(LinuxMountTarget target) : IClassFixture<LinuxMountTarget>
{
    public static TheoryData<string> Cases => ConformanceCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case(string name)
    {
        Fuse.RequireDevice();
        CaseRunner.Run(target, name);
    }
}
