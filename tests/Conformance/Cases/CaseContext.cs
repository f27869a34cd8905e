using BupFs;
using Conformance.Model;

namespace Conformance.Cases;

/// <summary>What a case gets: the filesystem, its own empty directory in it (or the saved tree), and the host's expectations.</summary>
/// <param name="Fs">The filesystem under test.</param>
/// <param name="Dir">The case's directory: fresh and empty on the staging tree; the save's root on the read-only view.</param>
/// <param name="Expect">The driver's expectations.</param>
public sealed record CaseContext(IFsUnderTest Fs, string Dir, Expectations Expect)
{
    /// <summary>A path inside the case's directory.</summary>
    public string this[string relative] => Dir + "/" + relative;

    /// <summary>A path in the saved tree's base/ folder, which the staging tree starts with (Targets/SavedTree.cs).</summary>
    public static string Base(string relative) => Targets.SavedTree.BaseFolder + "/" + relative;

    /// <summary>Asserts that <paramref name="action"/> fails with <paramref name="expected"/>.</summary>
    public static void Fails(FsError expected, Action action) =>
        Assert.Equal(expected, Assert.Throws<FsException>(action).Error);

    /// <summary>Creates <paramref name="relative"/> holding <paramref name="content"/>.</summary>
    public void WriteFile(string relative, string content)
    {
        using IOpenFile file = Fs.Open(this[relative], OpenMode.Write | OpenMode.Create | OpenMode.Truncate);
        file.Write(0, System.Text.Encoding.UTF8.GetBytes(content));
    }

    /// <summary>The whole content of <paramref name="relative"/>.</summary>
    public string ReadFile(string relative)
    {
        using IOpenFile file = Fs.Open(this[relative], OpenMode.Read);
        return System.Text.Encoding.UTF8.GetString(file.Read(0, 1 << 20));
    }
}
