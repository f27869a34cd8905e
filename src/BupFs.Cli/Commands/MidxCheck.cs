using BupStore.Formats;

namespace BupFs.Cli.Commands;

/// <summary>The --check of bup midx: a midx must list exactly the objects of the idx files it names.</summary>
public static class MidxCheck
{
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
