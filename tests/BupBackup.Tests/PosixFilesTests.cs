using System.Globalization;
using System.Text;
using BupBackup.Posix;
using BupStore.Formats;

namespace BupBackup.Tests;

/// <summary>The POSIX layer against coreutils, attr, acl and e2fsprogs on the same files.</summary>
public sealed class PosixFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new("posix");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LStatMatchesCoreutilsForEveryType()
    {
        ProcessRunner.Bash("""
            printf 'hello' > file; touch -d '2020-01-02 03:04:05.123456789' file
            ln -s file link; mkfifo fifo; mkdir dir
            touch -h -d '1969-12-31 23:59:59.5' link
            """, _dir.Path);
        string[] names = ["file", "link", "fifo", "dir"];
        if (PosixFiles.IsSuperuser)
        {
            ProcessRunner.Bash("mknod chardev c 1 3; mknod blockdev b 7 200", _dir.Path);
            names = [.. names, "chardev", "blockdev"];
        }

        foreach (var name in names)
        {
            AssertMatchesStat(_dir.Bytes(name), Path.Combine(_dir.Path, name));
        }

        Assert.Equal(new BupTimespec(1577934245, 123456789), PosixFiles.LStat(_dir.Bytes("file")).Mtime);
        Assert.Equal(new BupTimespec(-1, 500_000_000), PosixFiles.LStat(_dir.Bytes("link")).Mtime);
    }

    [Fact]
    public void NonUtf8NamesAndTargetsStayBytes()
    {
        byte[] name = [.. "nonutf8-"u8, 0xFF, 0xFE];
        byte[] target = [.. "target-"u8, 0x80];
        var path = _dir.Bytes(name);
        PosixFiles.Symlink(target, path);
        Assert.Equal(target, PosixFiles.ReadLink(path));
        Assert.Equal(PosixFileType.Symlink, PosixFiles.LStat(path).FileType);
        Assert.Equal(target.Length, PosixFiles.LStat(path).Size);
        var listing = ProcessRunner.Run("/bin/ls", ["-1", _dir.Path]);
        Assert.Equal([.. name, (byte)'\n'], listing);
    }

    [Fact]
    public void ReadLinkHandlesLongTargets()
    {
        var target = Encoding.ASCII.GetBytes(new string('t', 3000));
        PosixFiles.Symlink(target, _dir.Bytes("long"));
        Assert.Equal(target, PosixFiles.ReadLink(_dir.Bytes("long")));
    }

    [Fact]
    public void MissingPathsReportErrno()
    {
        Assert.Null(PosixFiles.TryLStat(_dir.Bytes("absent")));
        var e = Assert.Throws<PosixException>(() => PosixFiles.ReadLink(_dir.Bytes("absent")));
        Assert.Equal(2, e.Errno);
        Assert.Contains("absent", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PosixFiles.LStat("a\0b"u8));
    }

    [Fact]
    public void SetTimesWritesNanosecondsOnFilesAndOnSymlinksThemselves()
    {
        ProcessRunner.Bash("touch file; ln -s file link", _dir.Path);
        var atime = new BupTimespec(1600000000, 1);
        var mtime = new BupTimespec(-2, 999_999_999);
        PosixFiles.SetTimes(_dir.Bytes("file"), atime, mtime, followSymlinks: true);
        Assert.Equal("1600000000.000000001 -1.000000001", Stat("%.9X %.9Y", "file"));

        var before = Stat("%.9Y", "file");
        PosixFiles.SetTimes(_dir.Bytes("link"), atime, new BupTimespec(1234, 5), followSymlinks: false);
        Assert.Equal("1234.000000005", Stat("%.9Y", "link"));
        Assert.Equal(before, Stat("%.9Y", "file"));
    }

    [Fact]
    public void ExtendedAttributesAgreeWithGetfattr()
    {
        if (!ProcessRunner.Exists("setfattr"))
        {
            Assert.Skip("setfattr (package attr) is not installed");
        }

        ProcessRunner.Bash("touch f; setfattr -n user.b -v 0x00ff f; setfattr -n user.a -v hello f", _dir.Path);
        var path = _dir.Bytes("f");
        var all = ExtendedAttributes.GetAll(path);
        Assert.Contains(new ExtendedAttribute("user.b"u8.ToArray(), [0x00, 0xFF]), all);
        Assert.Contains(new ExtendedAttribute("user.a"u8.ToArray(), "hello"u8.ToArray()), all);

        ExtendedAttributes.Set(path, "user.c"u8, [1, 2, 3]);
        ExtendedAttributes.Remove(path, "user.a"u8);
        Assert.Null(ExtendedAttributes.Get(path, "user.a"u8));
        var dump = ProcessRunner.Bash("getfattr --absolute-names -d -m - -e hex f", _dir.Path);
        Assert.Contains("user.c=0x010203", dump, StringComparison.Ordinal);
        Assert.Contains("user.b=0x00ff", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("user.a", dump, StringComparison.Ordinal);
        Assert.Equal(ListedNames(dump), ExtendedAttributes.List(path).Select(n => Encoding.ASCII.GetString(n)).Order());
    }

    [Fact]
    public void AclsReadAndApplyWithLibacl()
    {
        if (!PosixAcls.IsAvailable || !ProcessRunner.Exists("setfacl"))
        {
            Assert.Skip("libacl or setfacl (package acl) is not installed");
        }

        ProcessRunner.Bash("touch plain f; mkdir d; setfacl -m u:nobody:r f; setfacl -d -m g:nogroup:rx d", _dir.Path);
        Assert.Null(PosixAcls.Read(_dir.Bytes("plain"), isDirectory: false));

        var acl = PosixAcls.Read(_dir.Bytes("f"), isDirectory: false)!;
        Assert.Equal("u::rw-,u:nobody:r--,g::r--,m::r--,o::r--", Encoding.ASCII.GetString(acl.Access));
        Assert.Equal("u::rw-,u:65534:r--,g::r--,m::r--,o::r--", Encoding.ASCII.GetString(acl.AccessNumeric));
        Assert.False(acl.HasDefault);

        var dirAcl = PosixAcls.Read(_dir.Bytes("d"), isDirectory: true)!;
        Assert.Contains("g:nogroup:r-x", Encoding.ASCII.GetString(dirAcl.Default), StringComparison.Ordinal);
        Assert.Contains("g:65534:r-x", Encoding.ASCII.GetString(dirAcl.DefaultNumeric), StringComparison.Ordinal);

        PosixAcls.Apply(_dir.Bytes("plain"), "u::rw-,g::r--,g:nogroup:rw-,m::rw-,o::---"u8);
        Assert.Contains("group:nogroup:rw-", ProcessRunner.Bash("getfacl -c plain", _dir.Path), StringComparison.Ordinal);
        var e = Assert.Throws<PosixException>(() => PosixAcls.Apply(_dir.Bytes("plain"), "u::rw-,u:no-such-user-xyz:r--,g::r--,m::r--,o::---"u8));
        Assert.Equal(22, e.Errno);
    }

    [Fact]
    public void LinuxFileAttributesAgreeWithLsattr()
    {
        ProcessRunner.Bash("touch f", _dir.Path);
        var path = _dir.Bytes("f");
        uint flags;
        try
        {
            flags = LinuxFileAttributes.Get(path);
        }
        catch (PosixException e) when (e.Errno is 25 or 95)
        {
            Assert.Skip("this filesystem has no inode flags");
            return;
        }

        var letters = ProcessRunner.Bash("lsattr -d f | cut -d' ' -f1", _dir.Path);
        Assert.Equal(letters.Contains('e', StringComparison.Ordinal), (flags & LinuxFileAttributes.ExtentsFlag) != 0);
        LinuxFileAttributes.Set(path, 0x80); // noatime ('A'); extents are kept as they were
        Assert.Contains('A', ProcessRunner.Bash("lsattr -d f | cut -d' ' -f1", _dir.Path));
        Assert.Equal(flags | 0x80, LinuxFileAttributes.Get(path));
    }

    [Fact]
    public void UserDatabaseLooksUpBothWays()
    {
        Assert.Equal("root"u8.ToArray(), UserDatabase.UserName(0));
        Assert.Equal("root"u8.ToArray(), UserDatabase.GroupName(0));
        Assert.Equal(0u, UserDatabase.UserId("root"u8.ToArray()));
        Assert.Equal(0u, UserDatabase.GroupId("root"u8.ToArray()));
        var nobody = ProcessRunner.Bash("id -u nobody").Trim();
        Assert.Equal(uint.Parse(nobody, CultureInfo.InvariantCulture), UserDatabase.UserId("nobody"u8.ToArray()));
        var unused = FindUnusedId();
        Assert.Null(UserDatabase.UserName(unused));
        Assert.Null(UserDatabase.UserId("no-such-user-xyz"u8.ToArray()));
        Assert.Null(UserDatabase.UserId([]));
        Assert.Null(UserDatabase.GroupId([(byte)'a', 0]));
        Assert.Equal("root"u8.ToArray(), SystemUserNames.Instance.UserName(0));
        Assert.Equal("root"u8.ToArray(), SystemUserNames.Instance.GroupName(0));
        Assert.Null(SystemUserNames.Instance.UserName(unused));
    }

    private static uint FindUnusedId()
    {
        for (var id = 54321u; ; id++)
        {
            if (ProcessRunner.TryRun("getent", ["passwd", id.ToString(CultureInfo.InvariantCulture)]).Exit != 0)
            {
                return id;
            }
        }
    }

    private static IOrderedEnumerable<string> ListedNames(string getfattrDump) =>
        getfattrDump.Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal)).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).Order();

    private string Stat(string format, string name) =>
        ProcessRunner.Bash($"stat -c '{format}' {name}", _dir.Path).Trim();

    private static void AssertMatchesStat(byte[] path, string text)
    {
        var status = PosixFiles.LStat(path);
        var fields = ProcessRunner.Bash($"stat -c '%f %u %g %s %h %i %t %T %d %.9X %.9Y %.9Z' '{text}'").Trim().Split(' ');
        Assert.Equal(Convert.ToUInt32(fields[0], 16), status.Mode);
        Assert.Equal(fields[1], status.Uid.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(fields[2], status.Gid.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(fields[3], status.Size.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(fields[4], status.LinkCount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(fields[5], status.Inode.ToString(CultureInfo.InvariantCulture));
        var rdev = DeviceNumber.Make(Convert.ToUInt32(fields[6], 16), Convert.ToUInt32(fields[7], 16));
        Assert.Equal(rdev, status.Rdev);
        Assert.Equal(fields[8], status.Device.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(fields[9], Format(status.Atime));
        Assert.Equal(fields[10], Format(status.Mtime));
        Assert.Equal(fields[11], Format(status.Ctime));
    }

    // GNU stat prints pre-epoch times as a negative decimal ("-0.500000000" for (-1, 5e8)).
    private static string Format(BupTimespec time)
    {
        if (time.Seconds >= 0)
        {
            return time.ToString();
        }

        var total = -time.ToUnixNanoseconds();
        return $"-{total / 1_000_000_000}.{total % 1_000_000_000:D9}";
    }
}
