using System.ComponentModel;
using System.Diagnostics;

namespace BupStore.Repository;

/// <summary>
/// The par2 program as bup 0.33's fsck runs it (bup/cmd/fsck.py): one recovery set per pack,
/// "par2 create -n1 -c200 -- pack-X pack-X.pack pack-X.idx" made in a temporary folder beside the
/// pack (par2 leaves empty files when interrupted), giving pack-X.par2 and pack-X.vol000+200.par2;
/// verify and repair by the stem. Always quiet (-qq) and single-threaded (-t1) when par2 allows it,
/// because packs are processed in parallel instead (bup's -j). par2's output goes to our stderr.
/// </summary>
public sealed class Par2
{
    private readonly bool _singleThread;

    private Par2(bool singleThread)
    {
        _singleThread = singleThread;
    }

    /// <summary>par2 when it can be run (bup's par2_setup), else null with a one-line reason.</summary>
    public static Par2? Find(out string? error)
    {
        try
        {
            var help = Capture("--help");
            error = null;
            // bup probes "par2 create -t1"; the help text of par2cmdline says the same without a file.
            return new Par2(help.Contains("-t<n>", StringComparison.Ordinal));
        }
        catch (Win32Exception e)
        {
            error = $"par2 not found or not runnable ({e.NativeErrorCode}): -g and -r need it (install the par2 package)";
            return null;
        }
    }

    private static string Capture(string arg)
    {
        var start = new ProcessStartInfo("par2") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(arg);
        using var p = Process.Start(start)!;
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync();
        var text = p.StandardOutput.ReadToEnd() + err.Result;
        p.WaitForExit();
        return text;
    }

    /// <summary>
    /// bup's par2_recovery_file_status: true when pack-X.par2 and pack-X.vol000+200.par2 both exist
    /// and are not empty, null when neither exists, false (each problem sent to <paramref name="log"/>)
    /// when one is missing or empty.
    /// </summary>
    public static bool? RecoveryFileStatus(string stem, Action<string> log)
    {
        var paths = new[] { stem + ".par2", stem + ".vol000+200.par2" };
        var empty = paths.Where(p => File.Exists(p) && new FileInfo(p).Length == 0).ToList();
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        empty.ForEach(p => log($"error: empty par2 file - {p}"));
        if (empty.Count > 0)
        {
            return false;
        }

        if (missing.Count == 2)
        {
            return null;
        }

        missing.ForEach(p => log($"error: missing par2 file - {p}"));
        return missing.Count == 0;
    }

    /// <summary>par2 verify of the pack at <paramref name="stem"/> (its path without extension); par2's exit status.</summary>
    public int Verify(string stem) => Run("verify", null, "--", stem);

    /// <summary>par2 repair of the pack at <paramref name="stem"/>; par2's exit status (0: repaired or intact).</summary>
    public int Repair(string stem) => Run("repair", null, "--", stem);

    /// <summary>
    /// bup's par2_generate: creates the recovery files in a temporary folder holding links to the pack
    /// and idx, moves the volume file out, then pack-X.par2 last, whose presence marks success.
    /// </summary>
    public int Create(string stem)
    {
        var parent = Path.GetDirectoryName(stem)!;
        var name = Path.GetFileName(stem);
        var tmp = Path.Combine(parent, $"{name}-bup-tmp-{Guid.NewGuid():N}"[..(name.Length + 17)]);
        Directory.CreateDirectory(tmp);
        try
        {
            File.CreateSymbolicLink(Path.Combine(tmp, name + ".idx"), Path.Combine("..", name + ".idx"));
            File.CreateSymbolicLink(Path.Combine(tmp, name + ".pack"), Path.Combine("..", name + ".pack"));
            var rc = Run("create", tmp, "-n1", "-c200", "--", name, name + ".pack", name + ".idx");
            if (rc == 0)
            {
                Publish(tmp, parent, name);
            }

            return rc;
        }
        finally
        {
            // Only our two links (or a failed run's leftovers) remain in it.
            Directory.Delete(tmp, recursive: true);
        }
    }

    private static void Publish(string tmp, string parent, string name)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal) { name + ".idx", name + ".pack", name + ".par2" };
        foreach (var file in Directory.EnumerateFiles(tmp).Where(f => !keep.Contains(Path.GetFileName(f))))
        {
            Flush(file);
            File.Move(file, Path.Combine(parent, Path.GetFileName(file)), overwrite: true);
        }

        Flush(Path.Combine(tmp, name + ".par2"));
        File.Move(Path.Combine(tmp, name + ".par2"), Path.Combine(parent, name + ".par2"), overwrite: true);
        Durable.SyncDirectory(parent);
    }

    private static void Flush(string file)
    {
        using var f = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        f.Flush(true);
    }

    private int Run(string action, string? cwd, params string[] args)
    {
        var start = new ProcessStartInfo("par2") { RedirectStandardOutput = true, WorkingDirectory = cwd ?? string.Empty };
        start.ArgumentList.Add(action);
        start.ArgumentList.Add("-qq");
        if (_singleThread)
        {
            start.ArgumentList.Add("-t1");
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        // bup sends par2's stdout to stderr, keeping stdout for its own per-pack lines.
        p.StandardOutput.BaseStream.CopyTo(Console.OpenStandardError());
        p.WaitForExit();
        return p.ExitCode;
    }
}
