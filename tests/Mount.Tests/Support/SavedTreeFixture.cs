using TestSupport;

namespace Mount.Tests.Support;

/// <summary>
/// The full sample tree (symlinks of every kind, hardlinks, fifo, device, empty entries,
/// chunk-boundary sizes, a 64 MiB sparse file, multi-MiB random and text files, 2000 small files,
/// unicode/non-UTF-8/255-byte names, modes, foreign owners, ns times, xattrs, ACLs), saved once by
/// one tool into a fresh repository and mounted with `bupfs mount` for all tests of a class.
/// </summary>
public abstract class SavedTreeFixture : IDisposable
{
    private readonly BupRepository? _repo;
    private readonly CliMount? _mount;

    /// <summary>Builds, saves and mounts; when mounting is impossible here, <see cref="SkipReason"/> says why.</summary>
    protected SavedTreeFixture(string name)
    {
        if (!File.Exists("/dev/fuse"))
        {
            SkipReason = "/dev/fuse is absent: load the fuse module, or run the container with --device /dev/fuse --cap-add SYS_ADMIN";
            return;
        }

        _repo = BupRepository.Create(name);
        Info = SampleTree.Create(_repo.Path("src"), new SampleTreeOptions { Devices = true });
        Save(_repo, Info.Root);
        _mount = CliMount.Start(_repo);
        SaveName = new DirectoryInfo(_mount[$"{Branch}/latest"]).LinkTarget ?? throw new InvalidOperationException("latest is no symlink");
    }

    /// <summary>Why the tests cannot run here, or null.</summary>
    public string? SkipReason { get; }

    /// <summary>What the sample tree holds.</summary>
    public SampleTreeInfo Info { get; } = new("", [], null, false);

    /// <summary>The source folder that was saved.</summary>
    public string Source => Info.Root;

    /// <summary>The save's root inside the mount (by its name: latest is a symlink).</summary>
    public string Saved => Mount[$"{Branch}/{SaveName}"];

    /// <summary>The save's folder name, as latest points to it.</summary>
    public string SaveName { get; } = "";

    /// <summary>The branch the tree is saved on.</summary>
    public static string Branch => "main";

    /// <summary>The save's commit time (seconds since the epoch).</summary>
    public long CommitTime => 1_700_000_000;

    /// <summary>True when the saving tool keeps user extended attributes (real bup needs pyxattr for that).</summary>
    public abstract bool KeepsXattrs { get; }

    internal BupRepository Repo => _repo ?? throw new InvalidOperationException(SkipReason);

    internal CliMount Mount => _mount ?? throw new InvalidOperationException(SkipReason);

    /// <summary>Saves <paramref name="source"/> on <see cref="Branch"/> so that the save's root is the source's content.</summary>
    internal abstract void Save(BupRepository repo, string source);

    public void Dispose()
    {
        _mount?.Dispose();
        _repo?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The sample tree saved by real <c>bup index</c> + <c>bup save</c>.</summary>
public sealed class BupSavedTree : SavedTreeFixture
{
    public BupSavedTree()
        : base("bup-save")
    {
    }

    public override bool KeepsXattrs => SaveOracle.BupSavesXattrs();

    internal override void Save(BupRepository repo, string source) => repo.Save(Branch, source, date: CommitTime);
}

/// <summary>The sample tree saved by <c>bupfs index</c> + <c>bupfs save</c> into a repository made by <c>bup init</c>.</summary>
public sealed class BupfsSavedTree : SavedTreeFixture
{
    public BupfsSavedTree()
        : base("bupfs-save")
    {
    }

    public override bool KeepsXattrs => true;

    internal override void Save(BupRepository repo, string source)
    {
        repo.Bupfs("index", source).Succeeded("bupfs index");
        repo.Bupfs("save", "--strip", "-n", Branch, "-d", CommitTime.ToString(System.Globalization.CultureInfo.InvariantCulture), source).Succeeded("bupfs save");
    }
}
