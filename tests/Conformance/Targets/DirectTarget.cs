using BupFs;
using BupFs.Repo;
using BupFs.Staging;
using Conformance.Drivers;
using Conformance.Model;
using Mount.Tests.Support;
using BupStore.Objects;
using BupStore.Repository;

namespace Conformance.Targets;

/// <summary>
/// The direct driver's filesystems, in-process: a <see cref="StagingFileSystem"/> on top of the save
/// (opened as tests/BupFs.Tests/Staging/StagingTests.cs does) and a <see cref="RepoFileSystem"/>.
/// </summary>
public sealed class DirectTarget : ITarget, IDisposable
{
    private readonly BupRepository _bup;
    private readonly Repository _stagingRepository;
    private readonly StagingArea _area;
    private readonly StagingFileSystem _staging;
    private readonly Repository _viewRepository;
    private readonly RepoFileSystem _view;

    public DirectTarget()
    {
        _bup = BupRepository.Create("direct");
        SavedTree.Save(_bup);
        _stagingRepository = Repository.Open(_bup.GitDir);
        _area = StagingArea.Open(_bup.GitDir, SavedTree.Branch);
        ObjectId head = _stagingRepository.Refs.TryRead("refs/heads/" + SavedTree.Branch, out ObjectId id) ? id : throw new InvalidOperationException("the save is missing");
        _staging = StagingFileSystem.Open(_stagingRepository, _area, head);
        _viewRepository = Repository.Open(_bup.GitDir);
        var caller = new FsCaller(Mono.Unix.Native.Syscall.getuid(), Mono.Unix.Native.Syscall.getgid(), 0, Environment.ProcessId);
        Writable = new DirectDriver(_staging, caller);
        _view = new RepoFileSystem(_viewRepository, new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc });
        ReadOnly = new DirectDriver(_view, caller);
    }

    public Expectations Expect => Expectations.Direct;

    public IFsUnderTest Writable { get; }

    public IFsUnderTest ReadOnly { get; }

    public void Dispose()
    {
        _staging.Dispose();
        _area.Dispose();
        _stagingRepository.Dispose();
        _view.Dispose();
        _viewRepository.Dispose();
        _bup.Dispose();
    }
}
