using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using BupFs.Linux.Interop;

namespace BupFs.Linux.Tests;

/// <summary>
/// Readdir paging through libfuse's own encoder (fuse_add_direntry ignores the request
/// pointer), decoded as the kernel reads it: struct fuse_dirent {ino, off, namelen, type, name}
/// padded to 8 bytes, preceded in readdirplus by a 128-byte struct fuse_entry_out.
/// </summary>
public sealed unsafe class DirectoryEncoderTests
{
    private const int EntryOutSize = 128;

    [Fact]
    public void SmallBuffersPageThroughTheWholeListing()
    {
        RequireLibFuse();
        var entries = Entries("alpha", "beta", "with/slash", "", "gamma-with-a-longer-name", "..", "delta");
        var directory = new DirectoryHandle(42, immutable: true);
        var names = new List<string>();
        long offset = 0;
        for (int round = 0; round < 20; round++)
        {
            var page = Decode(Fill(directory, entries, offset, size: 80, plus: null), plus: false);
            if (page.Count == 0)
            {
                break;
            }

            names.AddRange(page.Select(entry => entry.Name));
            offset = page[^1].NextOffset;
        }

        Assert.Equal([".", "..", "alpha", "beta", "gamma-with-a-longer-name", "delta"], names);
    }

    [Fact]
    public void PlusEntriesCarryNodeIdsExceptForDotsAndEachTakesALookupReference()
    {
        RequireLibFuse();
        var fs = TestFileSystem.CreateStandard();
        TestNode sub = fs.Find("dir/sub");
        ulong deep = fs.Find("dir/sub/deep.txt").Id;
        var lookups = new PlusLookups(fs);
        var page = Decode(Fill(new DirectoryHandle(sub.Id, immutable: true), fs.ReadDirectory(sub.Id), 0, size: 4096, lookups), plus: true);
        Assert.Equal([".", "..", "deep.txt"], page.Select(entry => entry.Name));
        Assert.Equal([0ul, 0ul, deep], page.Select(entry => entry.NodeId));
        Assert.Equal([sub.Id, 0xFFFFFFFFul, deep], page.Select(entry => entry.Inode));
        Assert.Equal([4u, 4u, 8u], page.Select(entry => entry.Type)); // DT_DIR, DT_DIR, DT_REG
        Assert.Equal([deep], lookups.Taken);
        Assert.Equal(1, fs.References(deep));
    }

    [Fact]
    public void APlusEntryThatDoesNotFitTakesNoReference()
    {
        RequireLibFuse();
        var fs = TestFileSystem.CreateStandard();
        TestNode dir = fs.Find("dir");
        var listing = fs.ReadDirectory(dir.Id);
        var lookups = new PlusLookups(fs);

        // "." and ".." take 2 x 160 bytes; a 400-byte buffer has no room for "file-000" (160).
        var page = Decode(Fill(new DirectoryHandle(dir.Id, immutable: true), listing, 0, size: 400, lookups), plus: true);
        Assert.Equal([".", ".."], page.Select(entry => entry.Name));
        Assert.Empty(lookups.Taken);
        Assert.All(listing, entry => Assert.Equal(0, fs.References(entry.Attributes.Inode)));

        // The next page starts at the entry that did not fit, and counts exactly what it sends.
        page = Decode(Fill(new DirectoryHandle(dir.Id, immutable: true), listing, page[^1].NextOffset, size: 1000, lookups), plus: true);
        Assert.Equal(page.Select(entry => entry.NodeId), lookups.Taken);
        Assert.Equal(6, lookups.Taken.Count); // 6 x 160 bytes
        lookups.ReturnAll(new RequestLog(null, trace: false));
        Assert.All(listing, entry => Assert.Equal(0, fs.References(entry.Attributes.Inode)));
    }

    [Fact]
    public void AListedNameThatNoLongerResolvesGoesOutWithoutNodeId()
    {
        RequireLibFuse();
        var fs = TestFileSystem.CreateStandard();
        TestNode sub = fs.Find("dir/sub");
        var lookups = new PlusLookups(fs);
        var page = Decode(Fill(new DirectoryHandle(sub.Id, immutable: true), Entries("gone"), 0, size: 4096, lookups), plus: true);
        Assert.Equal(("gone", 0ul, 1000ul, 8u), (page[2].Name, page[2].NodeId, page[2].Inode, page[2].Type));
        Assert.Empty(lookups.Taken);
    }

    [Fact]
    public void TheRootsParentIsItself()
    {
        RequireLibFuse();
        var page = Decode(Fill(new DirectoryHandle(1, immutable: false), [], 0, size: 4096, plus: null), plus: false);
        Assert.Equal([1ul, 1ul], page.Select(entry => entry.Inode));
    }

    private static List<DirectoryEntry> Entries(params string[] names) =>
        names.Select((name, i) => new DirectoryEntry(Encoding.UTF8.GetBytes(name),
            new NodeAttributes { Kind = NodeKind.File, Mode = 0x81A4, Inode = 1000 + (ulong)i, Immutable = true })).ToList();

    private static byte[] Fill(DirectoryHandle directory, IReadOnlyList<DirectoryEntry> entries, long offset, int size, PlusLookups? plus)
    {
        var buffer = new byte[size];
        fixed (byte* data = buffer)
        {
            nuint used = DirectoryEncoder.Fill(0, data, (nuint)size, offset, directory, entries, new CachePolicy(TimeSpan.FromSeconds(1)), plus, rootNode: 1);
            return buffer[..(int)used];
        }
    }

    private static List<(string Name, ulong Inode, long NextOffset, uint Type, ulong NodeId)> Decode(byte[] buffer, bool plus)
    {
        var result = new List<(string, ulong, long, uint, ulong)>();
        for (int at = 0; at < buffer.Length;)
        {
            ulong nodeId = plus ? BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(at)) : 0;
            int dirent = plus ? at + EntryOutSize : at;
            int nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(dirent + 16));
            result.Add((
                Encoding.UTF8.GetString(buffer, dirent + 24, nameLength),
                BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(dirent)),
                BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(dirent + 8)),
                BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(dirent + 20)),
                nodeId));
            at = dirent + ((24 + nameLength + 7) & ~7);
        }

        return result;
    }

    private static void RequireLibFuse()
    {
        if (!NativeLibrary.TryLoad(LibFuse.SoName, out _))
        {
            Assert.Skip($"{LibFuse.SoName} is not installed (apt-get install fuse3)");
        }

        LibFuse.EnsureLoaded();
    }
}
