using System.CommandLine;
using BupStore.Formats;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>bupfs bloom: create or update objects/pack/bup.bloom (as bup bloom), or check it.</summary>
public static class BloomCommand
{
    private static readonly Option<bool> Force = new("--force", "-f") { Description = "rebuild the filter from scratch" };
    private static readonly Option<int?> K = new("-k") { Description = "number of hash functions (4 or 5)" };
    private static readonly Option<string?> CheckIdx = new("--check", "-c") { Description = "check that every object of this idx is in the filter" };
    private static readonly Option<string?> Dir = new("--dir") { Description = "the pack folder (default: the repository's objects/pack)" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("bloom", "create, update or check the bloom filter (as bup bloom)") { Force, K, CheckIdx, Dir };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var packDir = r.GetValue(Dir) ?? OpenPackDir(r);
        if (r.GetValue(CheckIdx) is { } idxPath)
        {
            return Check(Path.Combine(packDir, BloomMaintenance.FileName), idxPath);
        }

        if (r.GetValue(K) is { } k && k is not (4 or 5))
        {
            throw new CliException("-k must be 4 or 5", 2);
        }

        BloomMaintenance.Update(packDir, r.GetValue(Force), r.GetValue(K));
        return 0;
    }

    private static string OpenPackDir(ParseResult r)
    {
        using var repo = GlobalOptions.OpenRepo(r);
        return repo.PackDir;
    }

    private static int Check(string bloomPath, string idxPath)
    {
        using var bloom = BloomFilter.Open(bloomPath);
        using var idx = PackIndex.Open(idxPath);
        var missing = 0;
        for (var i = 0; i < idx.Count; i++)
        {
            if (!bloom.MayContain(idx.GetId(i)))
            {
                missing++;
            }
        }

        Console.WriteLine($"{idx.Count - missing} of {idx.Count} objects of {Path.GetFileName(idxPath)} are in the filter");
        return missing == 0 ? 0 : 1;
    }
}
