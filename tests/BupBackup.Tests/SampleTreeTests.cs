using System.Diagnostics;
using Mono.Unix.Native;
using TestSupport;

namespace BupBackup.Tests;

/// <summary>The shared fixtures must themselves be trustworthy: a faithful copy compares equal, and each kind of
/// damage to a copy is reported.</summary>
public sealed class SampleTreeTests : IDisposable
{
    private readonly ScratchFolder _scratch = new("bupfs-sample-");

    private string Root => _scratch.Path;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void CpPreservingEverythingGivesAnEqualTree()
    {
        var (source, copy) = SourceAndCopy();
        Assert.Empty(TreeComparer.Compare(source, copy, new TreeCompareOptions { Sparse = true }));
    }

    [Fact]
    public void TreeHoldsEveryKindOfEntry()
    {
        var info = SampleTree.Create(Root + "/src", SampleTreeOptions.Small with { Socket = true });
        Assert.Contains("hard/nested/deeper/c", info.RegularFiles);
        Assert.Equal(0, Syscall.lstat(Root + "/src/fifo", out var fifo));
        Assert.Equal(FilePermissions.S_IFIFO, fifo.st_mode & FilePermissions.S_IFMT);
        Assert.Equal(0, Syscall.lstat(Root + "/src/socket", out var socket));
        Assert.Equal(FilePermissions.S_IFSOCK, socket.st_mode & FilePermissions.S_IFMT);
        Assert.Equal(0, Syscall.lstat(Root + "/src/names/" + SampleTree.LongName, out _));
        Assert.Equal(0, Syscall.lstat(Root + "/src/names/" + UnixNames.FromBytes(SampleTree.NonUtf8Name), out _));
        Assert.Equal(0, Syscall.lstat(Root + "/src/sparse.img", out var sparse));
        Assert.True(sparse.st_blocks * 512 < sparse.st_size / 2, "sparse file is not sparse");
        Assert.NotEqual(0, Syscall.lstat(Root + "/src/text.txt", out var text) == 0 ? text.st_mtime_nsec : 0);
    }

    [Fact]
    public void EachKindOfDamageIsReported()
    {
        var (source, copy) = SourceAndCopy();
        File.AppendAllText(copy + "/boundary/size-1", "x");
        File.WriteAllText(copy + "/text.txt", new string('z', (int)new FileInfo(source + "/text.txt").Length));
        Syscall.chmod(copy + "/modes/exec", (FilePermissions)Convert.ToUInt32("700", 8));
        TreeTimes.Set(copy + "/random.bin", 99);
        Syscall.lremovexattr(copy + "/empty-dir", "user.folder");
        File.Delete(copy + "/hard/b");
        File.Copy(copy + "/hard/a", copy + "/hard/b");
        File.Delete(copy + "/links/dangling");
        File.WriteAllText(copy + "/extra", "");
        var differences = string.Join("\n", TreeComparer.Compare(source, copy));
        foreach (var expected in new[] { "size-1: size", "text.txt: content differs", "exec: mode", "random.bin: mtime",
            "empty-dir: xattr names", "hard/b: link count", "dangling: missing", "extra: unexpected" })
        {
            Assert.Contains(expected, differences);
        }
    }

    private (string Source, string Copy) SourceAndCopy()
    {
        var source = Root + "/src";
        SampleTree.Create(source, SampleTreeOptions.Small);
        var copy = Root + "/copy";
        using var cp = Process.Start("cp", ["-a", "--sparse=always", source, copy]);
        cp.WaitForExit();
        Assert.Equal(0, cp.ExitCode);
        return (source, copy);
    }
}
