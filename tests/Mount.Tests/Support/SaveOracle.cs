using System.Globalization;

namespace Mount.Tests.Support;

/// <summary>One entry of a save as bup's own VFS reports it (dump_save.py).</summary>
internal sealed record SavedEntry(byte[] Path, uint Mode, uint Uid, uint Gid, long Size, long AtimeNs, long MtimeNs, long CtimeNs, ulong Rdev, byte[] Target);

/// <summary>
/// What real bup says a save holds, read through bup's Python VFS (/usr/lib/bup): the oracle for
/// the fields the source no longer shows once saved (atime changes when bup reads the files, ctime
/// on every chmod), and for what bup keeps at all (without pyxattr it keeps no user xattrs).
/// </summary>
internal static class SaveOracle
{
    private const string BupLibrary = "/usr/lib/bup";

    /// <summary>The interpreter bup itself uses (its modules, pyxattr included, are installed for it).</summary>
    private const string Python = "/usr/bin/python3";

    /// <summary>Every entry under <paramref name="vfsPath"/> (itself first, with an empty path).</summary>
    public static List<SavedEntry> Dump(BupRepository repo, string vfsPath)
    {
        var environment = new Dictionary<string, string>(repo.Environment) { ["PYTHONPATH"] = BupLibrary };
        string script = Path.Join(AppContext.BaseDirectory, "Support", "dump_save.py");
        string output = Processes.Execute(Python, [script, vfsPath], environment, repo.Root).Succeeded("dump_save.py");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
    }

    /// <summary>True when real bup here stores extended attributes (it needs the pyxattr module).</summary>
    public static bool BupSavesXattrs() =>
        Processes.Execute(Python, ["-c", "import xattr"]).ExitCode == 0;

    private static SavedEntry Parse(string line)
    {
        string[] f = line.Split(' ');
        return new SavedEntry(
            Hex(f[0]), uint.Parse(f[1], CultureInfo.InvariantCulture), uint.Parse(f[2], CultureInfo.InvariantCulture),
            uint.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture), long.Parse(f[6], CultureInfo.InvariantCulture),
            long.Parse(f[7], CultureInfo.InvariantCulture), ulong.Parse(f[8], CultureInfo.InvariantCulture), Hex(f[9]));
    }

    private static byte[] Hex(string field) => field == "-" ? [] : Convert.FromHexString(field);
}
