using System.CommandLine;
using System.Diagnostics;
using BupFs.Linux;
using BupFs.Repo;
using BupFs.Staging;
using BupStore.Repository;

namespace BupFs.Cli.Commands;

/// <summary>
/// bupfs mount [REPO] MOUNTPOINT: the whole history as a read-only filesystem. Without -f it
/// starts itself in the background and returns once the mount is ready, as borg mount and sshfs do.
/// </summary>
public static class MountCommand
{
    private const string ReadyLine = "bupfs-mount-ready";
    private static readonly Option<bool> Foreground = new("--foreground", "-f") { Description = "stay in the foreground until unmounted (Ctrl-C unmounts)" };
    private static readonly Option<string[]> FuseOptions = new("-o") { Description = "FUSE options, e.g. allow_other (repeatable, comma-separated)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<long> CacheMb = new("--cache-size") { Description = "MiB of decoded chunks and listings to cache (the kernel caches file content itself)", DefaultValueFactory = _ => 16 };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "log every request (foreground)" };
    private static readonly Option<string?> Staging = new("--staging") { Description = "mount BRANCH's writable staging tree instead (commit it with 'bupfs commit BRANCH')" };
    private static readonly Option<string?> From = new("--from") { Description = "with --staging: start a new staging tree from this save or commit instead of the branch's latest" };
    private static readonly Option<bool> Notify = new("--notify-ready") { Hidden = true };
    private static readonly Argument<string[]> Paths = new("paths") { Description = "[REPO] MOUNTPOINT", Arity = new ArgumentArity(1, 2) };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("mount", "mount every branch, save and path of the repository read-only")
        {
            Foreground, FuseOptions, CacheMb, Verbose, Staging, From, Notify, Paths,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        var paths = r.GetValue(Paths)!;
        var repoPath = paths.Length == 2 ? Path.GetFullPath(paths[0]) : GlobalOptions.RepoPath(r);
        var mountPoint = Path.GetFullPath(paths[^1]);
        if (FuseHost.CheckAvailability() is { } why)
        {
            throw new CliException(why, 2);
        }

        MountPointChecks.Validate(mountPoint);
        using (Repository.Open(GlobalOptions.CheckRepo(repoPath)))
        {
            // Opened once here so a bad repository fails before anything is mounted.
        }

        return r.GetValue(Foreground) ? RunForeground(r, repoPath, mountPoint) : StartBackground(r, repoPath, mountPoint);
    }

    private static int RunForeground(ParseResult r, string repoPath, string mountPoint)
    {
        if (r.GetValue(Staging) is { } branch)
        {
            return RunStaging(r, repoPath, mountPoint, branch);
        }

        var options = BuildOptions(r);

        // The host owns the view and disposes it when the mount ends (or fails to start); the
        // repository under it (pack files, memory-mapped indexes) is ours to close after that.
        using var repository = Repository.Open(repoPath);
        var fs = new RepoFileSystem(repository, new RepoFileSystemOptions
        {
            CacheSizeLimit = r.GetValue(CacheMb) << 20,
            Warning = message => Console.Error.WriteLine($"bupfs: {message}"),
        });
        var mount = FuseHost.Mount(fs, mountPoint, options);
        WaitForUnmount(r, mount);
        return 0;
    }

    // The staging tree: the area's lock is held for the whole mount; commit and status requests
    // of other processes arrive through the area's control socket and run here.
    private static int RunStaging(ParseResult r, string repoPath, string mountPoint, string branch)
    {
        using var repository = Repository.Open(repoPath);
        StaleTemporaries.Remove(repository.GitDir);
        using var session = StagingSession.Open(repository, branch, r.GetValue(From), r.GetValue(CacheMb) << 20);
        session.RecordMountPoint(mountPoint);
        using var control = StagingControl.Serve(session.Area.Directory, session.Handle);
        var mount = FuseHost.Mount(session.FileSystem, mountPoint, BuildOptions(r) with { ReadOnly = false });
        WaitForUnmount(r, mount);
        return 0;
    }

    private static void WaitForUnmount(ParseResult r, IMountHandle mount)
    {
        using var signals = MountSignals.UnmountOnSignals(mount);
        if (r.GetValue(Notify))
        {
            Console.Out.WriteLine(ReadyLine);
            Console.Out.Flush();

            // The parent that waits for this line exits next; nothing may write to its pipes after that.
            Console.SetOut(TextWriter.Null);
            Console.SetError(TextWriter.Null);
        }

        mount.Completion.GetAwaiter().GetResult();
    }

    private static FuseMountOptions BuildOptions(ParseResult r)
    {
        var extra = (r.GetValue(FuseOptions) ?? []).SelectMany(o => o.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var allowOther = extra.Remove("allow_other");
        return new FuseMountOptions
        {
            AllowOther = allowOther,
            ExtraOptions = extra,
            Debug = r.GetValue(Verbose),
            Log = r.GetValue(Verbose) ? line => Console.Error.WriteLine(line) : null,
        };
    }

    private static int StartBackground(ParseResult r, string repoPath, string mountPoint)
    {
        // setsid: the server must not die with the terminal or the caller's Ctrl-C.
        var start = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in SelfCommand().Concat(["-d", repoPath, "mount", "-f", "--notify-ready", "--cache-size", r.GetValue(CacheMb).ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (option, value) in new[] { ("--staging", r.GetValue(Staging)), ("--from", r.GetValue(From)) })
        {
            if (value is not null)
            {
                start.ArgumentList.Add(option);
                start.ArgumentList.Add(value);
            }
        }

        foreach (var o in r.GetValue(FuseOptions) ?? [])
        {
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(o);
        }

        start.ArgumentList.Add(mountPoint);
        using var child = Process.Start(start) ?? throw new CliException("cannot start the mount process");
        var stderr = child.StandardError.ReadToEndAsync();
        var line = child.StandardOutput.ReadLine();
        if (line == ReadyLine)
        {
            return 0;
        }

        child.WaitForExit();
        var message = stderr.GetAwaiter().GetResult().Trim().Replace("bupfs: error: ", string.Empty, StringComparison.Ordinal);
        throw new CliException(message.Length > 0 ? message : $"mount process exited with {child.ExitCode}");
    }

    /// <summary>How to run this same program again (apphost, or dotnet + dll).</summary>
    private static IEnumerable<string> SelfCommand()
    {
        var exe = Environment.ProcessPath ?? "bupfs";
        // Under `dotnet bupfs.dll` the first argument the runtime was given is the assembly's path;
        // a native (ahead-of-time compiled) bupfs has no assembly file at all.
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? [exe, Environment.GetCommandLineArgs()[0]] : [exe];
    }
}
