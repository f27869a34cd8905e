using System.Text;
using BupFs.Repo;
using BupStore.Repository;

namespace BupFs.Tests.Support;

/// <summary>
/// The shared repository most tests read: the full source tree (make_tree.py) saved twice to
/// <c>main</c> (the second save adds <c>added.txt</c>), <c>src/d1</c> saved four times to <c>dup</c>
/// (three at the same second, docs/formats/vfs-layout.md, "Checks against bup"), <c>src/d1/sub</c> to the nested branch <c>team/db</c>,
/// and tags: <c>mytag</c> (bup tag), <c>rel/v1</c>, <c>treetag</c> (a tree), <c>blobtag</c> (a blob)
/// and <c>annotated</c> (an annotated tag object).
/// </summary>
public sealed class SavedTree : IDisposable
{
    public const long FirstSave = 1_700_000_000;
    public const long SecondSave = 1_700_000_100;
    public const long LaterDup = 1_700_000_500;
    public const long TeamSave = 1_700_001_000;

    private readonly TestRepository _repository;

    public SavedTree()
    {
        _repository = TestRepository.Create();
        Source = _repository.Path("src");
        SourceTree.MakeFull(Source);
        _repository.Save("main", FirstSave, Source);
        AddFileAfterFirstSave();
        Entries = SourceTree.Dump(Source);
        _repository.Save("main", SecondSave, Source);
        var d1 = System.IO.Path.Combine(Source, "d1");
        for (var i = 0; i < 3; i++)
        {
            _repository.Save("dup", FirstSave, d1);
        }

        _repository.Save("dup", LaterDup, d1);
        _repository.Save("team/db", TeamSave, System.IO.Path.Combine(d1, "sub"));
        MakeTags();
    }

    /// <summary>The saved source tree (absolute).</summary>
    public string Source { get; }

    /// <summary>The source entries as they were when the latest main save was made.</summary>
    internal List<SourceEntry> Entries { get; }

    internal TestRepository Repository => _repository;

    /// <summary>The view path of <paramref name="relative"/> (bytes, relative to the source) in <paramref name="save"/> of main.</summary>
    public byte[] SavePath(byte[] relative, string save = "/main/latest")
    {
        var prefix = Encoding.UTF8.GetBytes(save + Source);
        return relative.Length == 0 ? prefix : [.. prefix, (byte)'/', .. relative];
    }

    /// <summary>Same, for a UTF-8 relative path.</summary>
    public byte[] SavePath(string relative, string save = "/main/latest") => SavePath(Encoding.UTF8.GetBytes(relative), save);

    /// <summary>Opens the repository and a view of it; dispose both.</summary>
    internal (Repository Repository, RepoFileSystem Fs) Open(RepoFileSystemOptions? options = null) => _repository.Open(options);

    public void Dispose() => _repository.Dispose();

    private void AddFileAfterFirstSave()
    {
        // A new file changes the directory's mtime; put the directory's times back as make_tree set them.
        SourceTree.RunPython(
            """
            import os, sys
            src = os.fsencode(sys.argv[1])
            st = os.lstat(src)
            with open(os.path.join(src, b'added.txt'), 'wb') as f:
                f.write(b'added later\n')
            os.utime(os.path.join(src, b'added.txt'), ns=(4_102_444_900_000_000_000, 1_650_000_000_123_456_789))
            os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))
            """,
            Source);
    }

    private void MakeTags()
    {
        _repository.Bup("UTC", "tag", "mytag", "main");
        var first = _repository.Git("rev-list", "--max-parents=0", "main");
        _repository.Git("update-ref", "refs/tags/rel/v1", first);
        _repository.Git("update-ref", "refs/tags/treetag", _repository.Git("rev-parse", "main^{tree}"));
        var relativeSmall = Source.TrimStart('/') + "/small.txt";
        _repository.Git("update-ref", "refs/tags/blobtag", _repository.Git("rev-parse", $"main:{relativeSmall}"));
        Tool.Run("git", ["--git-dir", _repository.RepoPath, "-c", "user.name=t", "-c", "user.email=t@e", "tag", "-a", "-m", "annotated", "annotated", "main"]);
    }
}
