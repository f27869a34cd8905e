using System.Globalization;

namespace Mount.Tests.Support;

/// <summary>Damages one object of a repository in place, the way a bad disk block would.</summary>
internal static class ObjectDamage
{
    /// <summary>
    /// Overwrites bytes of object <paramref name="id"/> inside its pack, past the object header and
    /// the two-byte zlib header (headers of objects under 2 KiB take two bytes), so inflating it
    /// fails while the pack's index still lists it.
    /// </summary>
    public static void CorruptPacked(BupRepository repo, string id)
    {
        foreach (string index in Directory.GetFiles(Path.Join(repo.GitDir, "objects", "pack"), "*.idx"))
        {
            string listing = Processes.Execute("sh", ["-c", "git show-index < \"$0\"", index]).Succeeded("git show-index");
            string? line = listing.Split('\n').FirstOrDefault(l => l.Contains(' ' + id + ' ', StringComparison.Ordinal));
            if (line is null)
            {
                continue;
            }

            long offset = long.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture);
            using var pack = new FileStream(Path.ChangeExtension(index, ".pack"), FileMode.Open, FileAccess.ReadWrite);
            pack.Position = offset + 4;
            pack.Write([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]);
            return;
        }

        throw new InvalidOperationException($"object {id} is in no pack");
    }
}
