using BupBackup.Posix;
using BupStore.Formats;

namespace BupBackup.Tests;

/// <summary>Node creation for every type bup records, checked with lstat and coreutils.</summary>
public sealed class NodeCreatorTests : IDisposable
{
    private readonly TempDirectory _dir = new("nodes");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0x81A4u)]   // 0o100644
    [InlineData(0x41EDu)]   // 0o40755
    [InlineData(0x11A4u)]   // 0o10644 fifo
    [InlineData(0xC1EDu)]   // 0o140755 socket
    [InlineData(0xA1FFu)]   // 0o120777 symlink
    public void CreatesEachTypeWithPrivatePermissions(uint mode)
    {
        var path = _dir.Bytes("node");
        var metadata = new BupMetadata { Mode = mode, SymlinkTarget = "somewhere"u8.ToArray() };
        using (var handle = NodeCreator.Create(path, metadata))
        {
            Assert.Equal(metadata.FileType == PosixFileType.Regular, handle is not null);
        }

        var status = PosixFiles.LStat(path);
        Assert.Equal(metadata.FileType, status.FileType);
        if (metadata.FileType != PosixFileType.Symlink)
        {
            Assert.Equal(0u, status.Mode & 0x3F); // nothing for group and others until metadata is applied
        }
    }

    [Fact]
    public void CreatesDevicesAsRoot()
    {
        if (!PosixFiles.IsSuperuser)
        {
            Assert.Skip("mknod of devices needs root");
        }

        NodeCreator.Create(_dir.Bytes("null"), new BupMetadata { Mode = 0x21B6, Rdev = 259 });
        NodeCreator.Create(_dir.Bytes("loop"), new BupMetadata { Mode = 0x61B0, Rdev = (long)DeviceNumber.Make(7, 300) });
        Assert.Equal("character special file 1 3", ProcessRunner.Bash("stat -c '%F %t %T' null", _dir.Path).Trim());
        Assert.Equal("block special file 7 12c", ProcessRunner.Bash("stat -c '%F %t %T' loop", _dir.Path).Trim()); // minor 300
    }

    [Fact]
    public void RegularFileHandleWritesContentAndReplacesWhatWasThere()
    {
        ProcessRunner.Bash("echo old > f; ln -s x l", _dir.Path);
        using (var handle = NodeCreator.Create(_dir.Bytes("f"), new BupMetadata { Mode = 0x81A4 })!)
        using (var stream = new FileStream(handle, FileAccess.Write))
        {
            stream.Write("new"u8);
        }

        Assert.Equal("new", File.ReadAllText(Path.Combine(_dir.Path, "f")));
        NodeCreator.Create(_dir.Bytes("l"), new BupMetadata { Mode = 0x41ED });
        Assert.Equal(PosixFileType.Directory, PosixFiles.LStat(_dir.Bytes("l")).FileType);
    }

    [Fact]
    public void RefusesToReplaceANonEmptyDirectoryButReplacesAnEmptyOne()
    {
        ProcessRunner.Bash("mkdir -p full/x empty", _dir.Path);
        Assert.Throws<IOException>(() => NodeCreator.Create(_dir.Bytes("full"), new BupMetadata { Mode = 0x81A4 }));
        NodeCreator.Create(_dir.Bytes("empty"), new BupMetadata { Mode = 0x11A4 })?.Dispose();
        Assert.Equal(PosixFileType.Fifo, PosixFiles.LStat(_dir.Bytes("empty")).FileType);
    }

    [Fact]
    public void SymlinkWithoutTargetAndMissingModeAreHandledLikeBup()
    {
        Assert.Null(NodeCreator.Create(_dir.Bytes("l"), new BupMetadata { Mode = 0xA1FF }));
        Assert.Null(PosixFiles.TryLStat(_dir.Bytes("l")));
        Assert.Throws<InvalidDataException>(() => NodeCreator.Create(_dir.Bytes("x"), new BupMetadata()));
        Assert.Throws<InvalidDataException>(() => NodeCreator.Create(_dir.Bytes("x"), new BupMetadata { Mode = 0xE1A4 }));
    }

    [Fact]
    public void BindingCreatesASocketNodeWhereMknodCannot()
    {
        NodeCreator.BindSocket(_dir.Bytes("s"));
        Assert.Equal(PosixFileType.Socket, PosixFiles.LStat(_dir.Bytes("s")).FileType);
        var e = Assert.Throws<PosixException>(() => NodeCreator.BindSocket(_dir.Bytes(new string('x', 120))));
        Assert.Equal(22, e.Errno);
    }

    [Fact]
    public void HardLinksShareTheInode()
    {
        ProcessRunner.Bash("echo a > a", _dir.Path);
        NodeCreator.Link(_dir.Bytes("a"), _dir.Bytes("b"));
        Assert.Equal(PosixFiles.LStat(_dir.Bytes("a")).Inode, PosixFiles.LStat(_dir.Bytes("b")).Inode);
        Assert.Equal(2ul, PosixFiles.LStat(_dir.Bytes("b")).LinkCount);
    }
}
