using System.Text;
using BupBackup.Restore.Tar;
using BupStore.Formats;
using Mono.Unix.Native;
using TestSupport;

namespace BupBackup.Tests.Restore;

/// <summary>Archives written by <see cref="PaxTarWriter"/>, read back by GNU tar (the oracle) and checked with lstat.</summary>
public sealed class PaxTarWriterTests : IDisposable
{
    private static readonly string LongDir = "dir/" + new string('L', 200);
    private static readonly string LongFile = LongDir + "/" + new string('f', 150);
    private static readonly byte[] NonUtf8Long = [.. "dir/"u8, .. Enumerable.Repeat((byte)0xE9, 150)];
    private static readonly byte[] BinaryValue = [0, 1, (byte)'\n', 0xFF, (byte)'=', 32, 0];

    private readonly TempDirectory _scratch = new("paxtar");

    private string Out => Path.Combine(_scratch.Path, "out");

    [Fact]
    public void GnuTarExtractsLongNamesLinksSpecialFilesTimesOwnersAndXattrs()
    {
        var content = new byte[10_000];
        new Random(5).NextBytes(content);
        Extract(writer =>
        {
            writer.WriteEntry(Dir("dir/", 0x1E8, new BupTimespec(1_500_000_000, 123_456_789)));
            writer.WriteEntry(Dir(LongDir + "/", 0x1ED, new BupTimespec(1_500_000_001, 0)));
            writer.WriteEntry(LongFileEntry(content.Length), new MemoryStream(content));
            writer.WriteEntry(Member("dir/hard", TarEntryType.HardLink) with { LinkName = Encoding.UTF8.GetBytes(LongFile) });
            writer.WriteEntry(Member("dir/sym", TarEntryType.Symlink) with { LinkName = Encoding.UTF8.GetBytes(new string('T', 300)) });
            writer.WriteEntry(Member("dir/fifo", TarEntryType.Fifo) with { Mode = 0x180 });
            writer.WriteEntry(Member("dir/null", TarEntryType.CharacterDevice) with { DeviceMajor = 1, DeviceMinor = 3 });
            writer.WriteEntry(Member("dir/old", TarEntryType.Regular) with { Mtime = new BupTimespec(-2, 500_000_000) });
        });

        var file = LStat(LongFile);
        Assert.True(WriteAndCompare(content, LongFile));
        Assert.Equal((1_600_000_000L, 987_654_321L), (file.st_mtime, file.st_mtime_nsec));
        Assert.Equal((3_000_000u, 4_000_000u), (file.st_uid, file.st_gid));
        Assert.Equal(BinaryValue, Xattrs.Read(Path.Combine(Out, LongFile))["user.bin"]);
        Assert.Equal("hello"u8.ToArray(), Xattrs.Read(Path.Combine(Out, LongFile))["user.text"]);
        Assert.Equal(file.st_ino, LStat("dir/hard").st_ino);
        Assert.Equal(new string('T', 300), Mono.Unix.UnixPath.ReadLink(Path.Combine(Out, "dir/sym")));
        Assert.Equal(FilePermissions.S_IFIFO, LStat("dir/fifo").st_mode & FilePermissions.S_IFMT);
        Assert.Equal((-2L, 500_000_000L), (LStat("dir/old").st_mtime, LStat("dir/old").st_mtime_nsec));
        var dir = LStat("dir");
        Assert.Equal((1_500_000_000L, 123_456_789L), (dir.st_mtime, dir.st_mtime_nsec));
        Assert.Equal("750", Convert.ToString((uint)dir.st_mode & 0xFFF, 8));
        if (Syscall.geteuid() == 0)
        {
            Assert.Equal(FilePermissions.S_IFCHR, LStat("dir/null").st_mode & FilePermissions.S_IFMT);
            Assert.Equal(0x103UL, LStat("dir/null").st_rdev);
        }
    }

    [Fact]
    public void NonUtf8NamesShortAndLongSurviveGnuTar()
    {
        byte[] shortName = [.. "dir/"u8, 0xFF, 0xFE];
        Extract(writer =>
        {
            writer.WriteEntry(Dir("dir/", 0x1ED, default));
            writer.WriteEntry(Member(shortName, TarEntryType.Regular, 1), new MemoryStream("x"u8.ToArray()));
            writer.WriteEntry(Member(NonUtf8Long, TarEntryType.Regular, 1), new MemoryStream("y"u8.ToArray()));
        });

        Assert.Equal("x"u8.ToArray(), ReadUnix(shortName));
        Assert.Equal("y"u8.ToArray(), ReadUnix(NonUtf8Long));
    }

    [Fact]
    public void OwnerNamesLongerThanTheUstarFieldAreKept()
    {
        var archive = Write(writer => writer.WriteEntry(Member("f", TarEntryType.Regular) with
        {
            UserName = Encoding.ASCII.GetBytes(new string('u', 40)),
            GroupName = Encoding.ASCII.GetBytes(new string('g', 33)),
        }));

        var listing = Encoding.UTF8.GetString(ProcessRunner.Run("tar", ["-tvf", archive]));

        Assert.Contains(new string('u', 40) + "/" + new string('g', 33), listing);
    }

    [Fact]
    public void ShortContentIsPaddedAndTheArchiveStaysReadable()
    {
        EndOfStreamException? failure = null;
        Extract(writer =>
        {
            failure = Assert.Throws<EndOfStreamException>(() => writer.WriteEntry(Member("short", TarEntryType.Regular, 1000), new MemoryStream(new byte[10])));
            writer.WriteEntry(Member("next", TarEntryType.Regular, 3), new MemoryStream("abc"u8.ToArray()));
        });

        Assert.Contains("990 bytes", failure!.Message);
        Assert.Equal(1000, new FileInfo(Path.Combine(Out, "short")).Length);
        Assert.Equal("abc", File.ReadAllText(Path.Combine(Out, "next")));
    }

    [Fact]
    public void AFailingSourceIsPaddedAndNamedAsTheCause()
    {
        EndOfStreamException? failure = null;
        Extract(writer =>
        {
            failure = Assert.Throws<EndOfStreamException>(() => writer.WriteEntry(Member("bad", TarEntryType.Regular, 5000), new FailingStream()));
            writer.WriteEntry(Member("next", TarEntryType.Regular, 3), new MemoryStream("abc"u8.ToArray()));
        });

        Assert.IsType<IOException>(failure!.InnerException);
        Assert.Equal("abc", File.ReadAllText(Path.Combine(Out, "next")));
    }

    [Theory]
    [InlineData(0L, 0u, "0")]
    [InlineData(1_600_000_000L, 5u, "1600000000.000000005")]
    [InlineData(-1L, 999_999_999u, "-0.000000001")]
    [InlineData(-2L, 500_000_000u, "-1.500000000")]
    [InlineData(-3L, 0u, "-3")]
    public void TimesAreDecimalSecondsCountedFromTheEpoch(long seconds, uint nanoseconds, string expected) =>
        Assert.Equal(expected, PaxRecords.FormatTime(new BupTimespec(seconds, nanoseconds)));

    [Fact]
    public void RecordLengthsCountTheirOwnDigitsAcrossDigitBoundaries()
    {
        var records = new PaxRecords();
        for (var length = 0; length < 1100; length += 1)
        {
            records.Add("k", new byte[length]);
        }

        var content = records.Content.ToArray();
        var position = 0;
        while (position < content.Length)
        {
            var space = Array.IndexOf(content, (byte)' ', position);
            var declared = int.Parse(Encoding.ASCII.GetString(content, position, space - position), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((byte)'\n', content[position + declared - 1]);
            Assert.Equal((byte)'k', content[space + 1]);
            position += declared;
        }

        Assert.Equal(content.Length, position);
    }

    public void Dispose() => _scratch.Dispose();

    private static TarEntry Dir(string name, uint mode, BupTimespec mtime) =>
        Member(name, TarEntryType.Directory) with { Mode = mode, Mtime = mtime };

    private static TarEntry LongFileEntry(int size) => Member(LongFile, TarEntryType.Regular, size) with
    {
        Mtime = new BupTimespec(1_600_000_000, 987_654_321),
        Uid = 3_000_000,
        Gid = 4_000_000,
        Xattrs = [new ExtendedAttribute("user.bin"u8.ToArray(), BinaryValue), new ExtendedAttribute("user.text"u8.ToArray(), "hello"u8.ToArray())],
    };

    private static TarEntry Member(string name, TarEntryType type, long size = 0) => Member(Encoding.UTF8.GetBytes(name), type, size);

    private static TarEntry Member(byte[] name, TarEntryType type, long size = 0) => new()
    {
        Name = name,
        Type = type,
        Mode = 0x1A4,
        Size = size,
        Mtime = new BupTimespec(1_000_000_000, 0),
    };

    private bool WriteAndCompare(byte[] content, string relative)
    {
        File.WriteAllBytes(Path.Combine(_scratch.Path, "expected"), content);
        return FileContent.Equal(Path.Combine(_scratch.Path, "expected"), Path.Combine(Out, relative), out _);
    }

    private string Write(Action<PaxTarWriter> members)
    {
        var archive = Path.Combine(_scratch.Path, "x.tar");
        using (var stream = File.Create(archive))
        using (var writer = new PaxTarWriter(stream))
        {
            members(writer);
            writer.Finish();
        }

        return archive;
    }

    private void Extract(Action<PaxTarWriter> members)
    {
        var archive = Write(members);
        Directory.CreateDirectory(Out);
        ProcessRunner.Run("tar", ["--xattrs", "--xattrs-include=*", "--numeric-owner", "-xf", archive, "-C", Out]);
    }

    // .NET's file APIs cannot name non-UTF-8 files; Mono.Unix can.
    private byte[] ReadUnix(byte[] relative)
    {
        using var stream = new Mono.Unix.UnixFileInfo(UnixNames.Join(Out, UnixNames.FromBytes(relative))).OpenRead();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private Stat LStat(string relative) =>
        Syscall.lstat(Path.Combine(Out, relative), out var stat) == 0 ? stat : throw new IOException($"lstat {relative}: {Stdlib.GetLastError()}");

    private sealed class FailingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("chunk tree damaged");
    }
}
