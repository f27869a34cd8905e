namespace BupFs.Cli.Commands;

/// <summary>
/// The pack files named on bup fsck's command line, as bup 0.33 reads them (bup/cmd/fsck.py main):
/// a name ending in .pack, .idx or .par2 loses that suffix, any other name is a stem when
/// STEM.pack exists, and anything else is refused. The stem is what the checks work on.
/// </summary>
internal static class FsckPackNames
{
    /// <summary>The stems of <paramref name="names"/>, in the order given (duplicates kept, as bup checks each).</summary>
    public static List<string> Stems(IEnumerable<string> names) => names.Select(Stem).ToList();

    private static string Stem(string name) =>
        name.EndsWith(".pack", StringComparison.Ordinal) ? name[..^5]
        : name.EndsWith(".idx", StringComparison.Ordinal) ? name[..^4]
        : name.EndsWith(".par2", StringComparison.Ordinal) ? name[..^5]
        : File.Exists(name + ".pack") ? name
        : throw new CliException($"'{name}' is not a pack file");
}
