using BupFs;
using Conformance.Model;
using static Conformance.Cases.CaseContext;

namespace Conformance.Cases;

/// <summary>File content: create, write, read, holes, append, truncate.</summary>
public static partial class ConformanceCases
{
    private static ConformanceCase[] FileCases =>
    [
        new("create-write-read", false, CreateWriteRead),
        new("create-exclusive-exists", false, CreateExclusiveExists),
        new("pwrite-hole-reads-zeros", false, PwriteHoleReadsZeros),
        new("overwrite-middle", false, OverwriteMiddle),
        new("append", false, Append),
        new("open-truncate", false, OpenTruncate),
        new("truncate-shrink-grow", false, TruncateShrinkGrow),
        new("read-past-eof", false, ReadPastEof),
        new("write-updates-mtime", false, WriteUpdatesMtime),
        new("open-directory-for-write-eisdir", false, OpenDirectoryForWrite),
    ];

    private static void CreateWriteRead(CaseContext c)
    {
        using (IOpenFile file = c.Fs.Open(c["f"], OpenMode.ReadWrite | OpenMode.Create | OpenMode.Exclusive))
        {
            file.Write(0, "hello"u8.ToArray());
            Assert.Equal("hello"u8.ToArray(), file.Read(0, 100)); // read back through the same handle before close
        }

        FsStat stat = c.Fs.Stat(c["f"]);
        Assert.Equal(NodeKind.File, stat.Kind);
        Assert.Equal(5, stat.Size);
        Assert.Equal(1u, stat.Links);
        Assert.Equal("hello", c.ReadFile("f"));
    }

    private static void CreateExclusiveExists(CaseContext c)
    {
        c.WriteFile("f", "first");
        Fails(FsError.Exists, () => c.Fs.Open(c["f"], OpenMode.Write | OpenMode.Create | OpenMode.Exclusive).Dispose());
        using (c.Fs.Open(c["f"], OpenMode.Write | OpenMode.Create))
        {
            // O_CREAT without O_EXCL opens the existing file and leaves its content
        }

        Assert.Equal("first", c.ReadFile("f"));
    }

    private static void PwriteHoleReadsZeros(CaseContext c)
    {
        const int Hole = 200_000;
        using (IOpenFile file = c.Fs.Open(c["f"], OpenMode.Write | OpenMode.Create))
        {
            file.Write(Hole, "x"u8.ToArray());
        }

        Assert.Equal(Hole + 1, c.Fs.Stat(c["f"]).Size);
        using IOpenFile read = c.Fs.Open(c["f"], OpenMode.Read);
        byte[] all = read.Read(0, Hole + 10);
        Assert.Equal(Hole + 1, all.Length);
        Assert.True(all.AsSpan(0, Hole).IndexOfAnyExcept((byte)0) < 0, "the hole holds non-zero bytes");
        Assert.Equal((byte)'x', all[Hole]);
    }

    private static void OverwriteMiddle(CaseContext c)
    {
        c.WriteFile("f", "0123456789");
        using (IOpenFile file = c.Fs.Open(c["f"], OpenMode.Write))
        {
            file.Write(3, "abc"u8.ToArray());
        }

        Assert.Equal("012abc6789", c.ReadFile("f"));
    }

    private static void Append(CaseContext c)
    {
        c.WriteFile("f", "start");
        using (IOpenFile file = c.Fs.Open(c["f"], OpenMode.Write | OpenMode.Append))
        {
            file.Write(0, "-one"u8.ToArray()); // pwrite on an O_APPEND descriptor still appends on Linux (pwrite(2), BUGS)
            file.Write(2, "-two"u8.ToArray());
        }

        Assert.Equal("start-one-two", c.ReadFile("f"));
    }

    private static void OpenTruncate(CaseContext c)
    {
        c.WriteFile("f", "some content");
        using (c.Fs.Open(c["f"], OpenMode.Write | OpenMode.Truncate))
        {
        }

        Assert.Equal(0, c.Fs.Stat(c["f"]).Size);
        Assert.Equal(string.Empty, c.ReadFile("f"));
    }

    private static void TruncateShrinkGrow(CaseContext c)
    {
        c.WriteFile("f", "abcdefgh");
        c.Fs.Truncate(c["f"], 3);
        Assert.Equal(3, c.Fs.Stat(c["f"]).Size);
        Assert.Equal("abc", c.ReadFile("f"));
        c.Fs.Truncate(c["f"], 6);
        Assert.Equal(6, c.Fs.Stat(c["f"]).Size);
        Assert.Equal("abc\0\0\0", c.ReadFile("f"));
        Fails(FsError.IsDirectory, () => c.Fs.Truncate(c.Dir, 0));
    }

    private static void ReadPastEof(CaseContext c)
    {
        c.WriteFile("f", "short");
        using IOpenFile file = c.Fs.Open(c["f"], OpenMode.Read);
        Assert.Empty(file.Read(5, 10));
        Assert.Empty(file.Read(1000, 10));
        Assert.Equal("ort"u8.ToArray(), file.Read(2, 10));
    }

    private static void WriteUpdatesMtime(CaseContext c)
    {
        c.WriteFile("f", "x");
        var old = new FsTime(1_000_000_000, 0);
        c.Fs.SetTimes(c["f"], old, old);
        using (IOpenFile file = c.Fs.Open(c["f"], OpenMode.Write))
        {
            file.Write(1, "y"u8.ToArray());
        }

        Assert.True(c.Fs.Stat(c["f"]).ModifyTime.Seconds > old.Seconds, "a write left mtime as it was");
    }

    private static void OpenDirectoryForWrite(CaseContext c)
    {
        c.Fs.MakeDirectory(c["d"]);
        Fails(FsError.IsDirectory, () => c.Fs.Open(c["d"], OpenMode.Write).Dispose());
    }
}
