using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>
/// bup 0.33's per-pack fsck loop with par2 (bup/cmd/fsck.py do_pack), run on <see cref="Jobs"/>
/// packs at once: a pack with recovery files is checked by par2 verify (and, with repair, par2
/// repair: exit status 100 once repaired, as bup); a pack without them is checked by bupfs (the
/// trailer with --quick, every object otherwise) and, with generate, then gets its recovery files.
/// Lines "pack-X RESULT" go to stdout with --verbose; the exit status is the first non-zero one.
/// </summary>
internal sealed class FsckPar2(Repository repo, Par2? par2, bool generate, bool repair, bool quick, bool verbose, int jobs)
{
    /// <summary>Packs processed at once (bup's -j).</summary>
    public int Jobs => jobs;

    /// <summary>
    /// The packs to process (paths without extension), as bup fsck's named files; null for every
    /// pack of the repository, which a salvage follows when repairing.
    /// </summary>
    public IReadOnlyList<string>? Stems { get; init; }

    /// <summary>Stems of the packs par2 repaired in place.</summary>
    public List<string> Repaired { get; } = [];

    /// <summary>Runs every pack of the repository; returns the exit status.</summary>
    public int Run()
    {
        var stems = Stems ?? Directory.EnumerateFiles(repo.PackDir, "*.pack").Order(StringComparer.Ordinal).Select(p => p[..^5]).ToList();
        var codes = new int[stems.Count];
        _lines = new string?[stems.Count];
        Parallel.For(0, stems.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
        {
            codes[i] = RunPack(stems[i], out var line);
            Print(i, line);
        });

        // As bup, check again that every recovery set is whole (a rename may have failed).
        var recheck = CheckRecoverySets(stems);
        return codes.FirstOrDefault(c => c != 0, recheck);
    }

    // bup's EXIT_FAILURE (bup/helpers.py) for a pack whose par2 files are empty or half there.
    private const int IncompleteRecoverySet = 2;

    /// <summary>
    /// bup's check of every pack's recovery files, made even when par2 cannot run: 2 (each problem
    /// logged) when a set is empty or incomplete, else 0.
    /// </summary>
    public static int CheckRecoverySets(IEnumerable<string> stems) =>
        stems.Count(s => Par2.RecoveryFileStatus(s, Log) == false) > 0 ? IncompleteRecoverySet : 0;

    // The --verbose line of each pack, once it is done; empty when it has none.
    private string?[] _lines = [];
    private int _nextLine;

    // Lines come out in the packs' order, as from bup's sequential loop, however the jobs finish.
    private void Print(int index, string line)
    {
        lock (_lines)
        {
            _lines[index] = line;
            for (; _nextLine < _lines.Length && _lines[_nextLine] is { } next; _nextLine++)
            {
                if (next.Length > 0)
                {
                    Console.Out.WriteLine(next);
                }
            }
        }
    }

    private int RunPack(string stem, out string line)
    {
        line = string.Empty;
        var status = Par2.RecoveryFileStatus(stem, Log);
        if (status == false)
        {
            return IncompleteRecoverySet;
        }

        if (repair && !generate && status is null && Stems is null)
        {
            return 0; // the salvage after this loop checks it
        }

        var (code, result) = par2 is not null && status == true && (repair || !generate) ? ViaPar2(stem)
            : !generate || (par2 is not null && status is null) ? CheckThenGenerate(stem)
            : (0, status == true ? "exists" : "skipped");
        line = verbose ? $"{Path.GetFileName(stem)} {result}" : string.Empty;
        return code;
    }

    private (int Code, string Result) ViaPar2(string stem)
    {
        var name = Path.GetFileName(stem);
        var verified = par2!.Verify(stem);
        if (verified == 0)
        {
            return (0, "ok");
        }

        if (!repair)
        {
            Log($"{name} par2 verify: failed ({verified})");
            return (verified, "failed");
        }

        var repaired = par2.Repair(stem);
        if (repaired != 0)
        {
            Log($"{name} par2 repair: failed ({repaired})");
            return (repaired, "failed");
        }

        Log($"{name} par2 repair: succeeded (0)");
        lock (Repaired)
        {
            Repaired.Add(name);
            SetAsideOriginals(stem);
        }

        return (FsckRepair.RepairedExit, "repaired");
    }

    // par2 repair keeps the damaged file as pack-X.pack.1 (idx.1): move it with the damaged packs, out of objects/pack.
    private void SetAsideOriginals(string stem)
    {
        var originals = Directory.EnumerateFiles(Path.GetDirectoryName(stem)!, Path.GetFileName(stem) + ".*")
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(f, @"\.(pack|idx)\.[0-9]+$")).ToList();
        if (originals.Count > 0)
        {
            Log($"{Path.GetFileName(stem)}: damaged original(s) moved to {PackRepair.SetAside(repo.GitDir, originals)}");
        }
    }

    private (int Code, string Result) CheckThenGenerate(string stem)
    {
        var name = Path.GetFileName(stem);
        if (PackRepair.CheckPack(repo, stem + ".idx", quick) is { } damage)
        {
            Log($"{name} verify: failed: {damage}");
            return (1, "failed");
        }

        if (par2 is null || !generate)
        {
            return (0, "ok");
        }

        var created = par2.Create(stem);
        if (created != 0)
        {
            Log($"{name} par2 create: failed ({created})");
            return (created, "failed");
        }

        return (0, "generated");
    }

    private static void Log(string line)
    {
        lock (Console.Error)
        {
            Console.Error.WriteLine(line);
        }
    }
}
