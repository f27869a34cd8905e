using System.Text;
using BupBackup.Index;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Tests.Index;

/// <summary>Index records and index files built by hand, for the writer and checker tests.</summary>
internal static class IndexRecords
{
    /// <summary>A directory record (path ends in '/'), mode 0755.</summary>
    public static IndexRecord Dir(string path, bool valid = false) => Make(path, (uint)PosixFileType.Directory | 0x1ED, valid);

    /// <summary>A regular file record, mode 0644; valid ones name the empty blob.</summary>
    public static IndexRecord File(string path, bool valid = true) => Make(path, (uint)PosixFileType.Regular | 0x1A4, valid);

    /// <summary>Writes <paramref name="records"/> (in index order) as the index at <paramref name="indexPath"/>, with one hardlink target, /a/x for (1, 2).</summary>
    public static void Write(string indexPath, params IndexRecord[] records)
    {
        using var writer = new IndexWriter(indexPath);
        foreach (var r in records)
        {
            writer.Add(r);
        }

        writer.Commit(new Dictionary<(ulong, ulong), byte[]> { [(1, 2)] = "/a/x"u8.ToArray() });
    }

    private static IndexRecord Make(string path, uint mode, bool valid) => new()
    {
        Path = Encoding.UTF8.GetBytes(path),
        RealPath = Encoding.UTF8.GetBytes(path),
        Status = new FileStatus { Mode = mode, Inode = (ulong)path.Length, Size = path.Length, Mtime = new BupTimespec(1_600_000_000, 123) },
        Flags = valid ? IndexFlags.HashValid : IndexFlags.None,
        GitMode = valid ? GitFileMode.Regular : GitFileMode.None,
        Id = valid ? ObjectId.EmptyBlob : default,
        Metadata = new BupMetadata { Mode = mode, User = "someone"u8.ToArray() }.Encode(),
    };
}
