using System.CommandLine;
using BupStore.Formats;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>bupfs bloom: create or update objects/pack/bup.bloom (as bup bloom), or check it.</summary>
public static class BloomCommand
{
    private static readonly Option<bool> Force = new("--force", "-f") { Description = "rebuild the filter from scratch" };
    private static readonly Option<int?> K = new("--hashes", "-k") { Description = "number of hash functions (4 or 5)" };
    private static readonly Option<string?> CheckIdx = new("--check", "-c") { Description = "check that every object of this idx is in the filter" };
    private static readonly Option<string?> Dir = new("--dir", "-d") { Description = "the pack folder (default: the repository's objects/pack)" };
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "the bloom file (default: bup.bloom in the pack folder)", HelpName = "FILE" };
    private static readonly Option<bool> Ruin = new("--ruin") { Description = "ruin the bloom file (clear its bit table), as bup's test aid" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("bloom", "create, update or check the bloom filter (as bup bloom)") { Ruin, Force, Output, Dir, K, CheckIdx };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        if (r.GetValue(CheckIdx) is null && r.GetValue(K) is { } k && k is not (4 or 5))
        {
            throw new CliException("only k values of 4 and 5 are supported", CliException.UsageExit);
        }

        // bup checks the repository even when -d names the pack folder.
        var packDir = OpenPackDir(r, r.GetValue(Dir));
        var bloomPath = r.GetValue(Output) ?? Path.Combine(packDir, BloomMaintenance.FileName);
        if (r.GetValue(CheckIdx) is { } idxPath)
        {
            return Check(bloomPath, idxPath);
        }

        if (r.GetValue(Ruin))
        {
            return RuinFilter(bloomPath);
        }

        BloomMaintenance.Update(packDir, r.GetValue(Force), r.GetValue(K), bloomPath);
        return 0;
    }

    private static int RuinFilter(string bloomPath)
    {
        if (BloomMaintenance.Ruin(bloomPath))
        {
            return 0;
        }

        Console.Error.WriteLine($"bloom: {bloomPath} not found to ruin");
        Console.Error.WriteLine("WARNING: 1 errors encountered during bloom.");
        return 1;
    }

    private static string OpenPackDir(ParseResult r, string? dir)
    {
        using var repo = GlobalOptions.OpenRepo(r);
        return dir ?? repo.PackDir;
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
