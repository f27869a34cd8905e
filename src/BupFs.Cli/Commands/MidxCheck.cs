using BupStore.Formats;

namespace BupFs.Cli.Commands;

/// <summary>The --check of bup midx: a midx must list exactly the objects of the idx files it names.</summary>
public static class MidxCheck
{
    /// <summary>
    /// The idx files the midx names that are gone (as it names them). bup's open_midx then ignores
    /// the midx with a warning rather than an error: a midx left behind by a gc or by packs removed
    /// by hand costs only speed, as readers fall back to the idx files. Empty when the midx cannot
    /// be read; <see cref="Verify"/> reports that.
    /// </summary>
    public static List<string> MissingIdx(string midxPath)
    {
        try
        {
            using var midx = MultiPackIndex.Open(midxPath);
            var dir = Path.GetDirectoryName(midxPath)!;
            return [.. midx.IdxNames.Where(name => !File.Exists(Path.Combine(dir, name)))];
        }
        catch (Exception e) when (e is CorruptObjectException or IOException)
        {
            return [];
        }
    }

    /// <summary>Null when the midx is exact, else what is wrong.</summary>
    public static string? Verify(string midxPath)
    {
        try
        {
            using var midx = MultiPackIndex.Open(midxPath);
            var dir = Path.GetDirectoryName(midxPath)!;
            long expected = 0;
            foreach (var name in midx.IdxNames)
            {
                var idxPath = Path.Combine(dir, name);
                if (!File.Exists(idxPath))
                {
                    return $"names missing {name}";
                }

                using var idx = PackIndex.Open(idxPath);
                expected += idx.Count;
                for (var i = 0; i < idx.Count; i++)
                {
                    if (!midx.Contains(idx.GetId(i)))
                    {
                        return $"lacks object {idx.GetId(i)} of {name}";
                    }
                }
            }

            return expected == midx.Count ? null : $"lists {midx.Count} objects, its idx files hold {expected}";
        }
        catch (Exception e) when (e is CorruptObjectException or IOException)
        {
            return e.Message;
        }
    }
}
