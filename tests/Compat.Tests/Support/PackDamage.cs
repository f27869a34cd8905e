using BupStore.Formats;
using BupStore.Objects;

namespace Compat.Tests.Support;

/// <summary>Damages one object inside a repository's pack, as a failing disk would: bytes flipped in place.</summary>
internal static class PackDamage
{
    /// <summary>
    /// Flips four bytes 200 bytes into the stored entry of <paramref name="id"/> (inside its zlib data
    /// for any chunk over ~250 bytes); returns the pack's path.
    /// </summary>
    public static string FlipInside(string repo, ObjectId id)
    {
        foreach (var idxPath in Directory.GetFiles(Path.Combine(repo, "objects", "pack"), "*.idx"))
        {
            long offset;
            using (var idx = PackIndex.Open(idxPath))
            {
                if (!idx.TryFind(id, out offset))
                {
                    continue;
                }
            }

            var pack = Path.ChangeExtension(idxPath, ".pack");
            Flip(pack, offset + 200, 4);
            return pack;
        }

        throw new InvalidOperationException($"{id} is in no pack of {repo}");
    }

    /// <summary>Inverts <paramref name="count"/> bytes of <paramref name="path"/> at <paramref name="offset"/>.</summary>
    public static void Flip(string path, long offset, int count)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var bytes = new byte[count];
        f.Position = offset;
        f.ReadExactly(bytes);
        for (var i = 0; i < count; i++)
        {
            bytes[i] ^= 0xFF;
        }

        f.Position = offset;
        f.Write(bytes);
    }

    /// <summary>The largest blob of a hashsplit file in <paramref name="listing"/> (git ls-tree -r -l output).</summary>
    public static ObjectId LargestChunk(string listing, string fileName) =>
        ObjectId.Parse(listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[1] == "blob" && f[4].Contains(fileName + ".bup/", StringComparison.Ordinal))
            .MaxBy(f => long.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture))![2]);
}
