using Conformance.Drivers;
using Conformance.Model;
using Mount.Tests.Support;

namespace Conformance.Targets;

/// <summary>
/// The Linux mount driver's filesystems: `bupfs mount --staging saved REPO MNT` (staging on top of the save) and a
/// read-only `bupfs mount REPO MNT2`, each on its own mount point under the run's folder. The
/// mounts start on first use, so a machine without /dev/fuse skips the cases instead of failing
/// the fixture.
/// </summary>
public sealed class LinuxMountTarget : ITarget, IDisposable
{
    private readonly Lazy<(BupRepository Repository, CliMount Staging, CliMount View)> _mounts = new(Start);

    public Expectations Expect => Expectations.LinuxMount;

    public IFsUnderTest Writable => new MountDriver(_mounts.Value.Staging.Path);

    public IFsUnderTest ReadOnly => new MountDriver(_mounts.Value.View.Path);

    public void Dispose()
    {
        if (_mounts.IsValueCreated)
        {
            _mounts.Value.Staging.Dispose();
            _mounts.Value.View.Dispose();
            _mounts.Value.Repository.Dispose();
        }
    }

    private static (BupRepository, CliMount, CliMount) Start()
    {
        var repository = BupRepository.Create("linux-mount");
        SavedTree.Save(repository);
        CliMount staging = CliMount.StartOn(repository, MountRoot.NewDirectory("staging"), "--staging", SavedTree.Branch);
        try
        {
            return (repository, staging, CliMount.StartOn(repository, MountRoot.NewDirectory("view")));
        }
        catch
        {
            staging.Dispose();
            throw;
        }
    }
}
