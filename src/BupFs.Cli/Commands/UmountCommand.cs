using System.CommandLine;
using BupFs.Linux;

namespace BupFs.Cli.Commands;

/// <summary>bupfs umount MOUNTPOINT: unmount a bupfs mount (also a stale one).</summary>
public static class UmountCommand
{
    private static readonly Argument<string> MountPoint = new("mountpoint") { Description = "where the repository is mounted" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("umount", "unmount a mounted repository") { MountPoint };
        command.SetAction(r =>
        {
            MountPointChecks.Unmount(Path.GetFullPath(r.GetValue(MountPoint)!));
            return 0;
        });
        return command;
    }
}
