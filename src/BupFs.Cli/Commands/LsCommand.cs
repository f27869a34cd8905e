using System.CommandLine;
using System.Globalization;
using System.Text;
using BupFs.Repo;
using BupStore.Objects;

namespace BupFs.Cli.Commands;

/// <summary>bupfs ls [-l] [-a] [-s] PATH: list the repository tree as bup ls does, without mounting.</summary>
public static class LsCommand
{
    private static readonly Option<bool> Long = new("-l") { Description = "long listing: mode, owner, size, time" };
    private static readonly Option<bool> All = new("--all", "-a") { Description = "show hidden entries (names starting with '.')" };
    private static readonly Option<bool> Hash = new("--hash", "-s") { Description = "show the object id of each entry" };
    private static readonly Argument<string[]> Paths = new("paths") { Description = "paths such as /NAME/latest/home (default: /)", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("ls", "list saves and their contents (as bup ls)") { Long, All, Hash, Paths };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        using var fs = new RepoFileSystem(GlobalOptions.OpenRepo(r));
        using var stdout = Console.OpenStandardOutput();
        var paths = r.GetValue(Paths) is { Length: > 0 } given ? given : ["/"];
        foreach (var path in paths)
        {
            List(fs, path, r, stdout);
        }

        return 0;
    }

    private static void List(RepoFileSystem fs, string path, ParseResult r, Stream output)
    {
        var node = Resolve(fs, path);
        var entries = node.Kind == BupFs.NodeKind.Directory
            ? fs.ReadDirectory(node.Inode).Where(e => r.GetValue(All) || e.Name.Length == 0 || e.Name[0] != (byte)'.')
                .OrderBy(e => e.Name, ByteOrder.Instance).ToList()
            : [new BupFs.DirectoryEntry(Encoding.UTF8.GetBytes(Path.GetFileName(path.TrimEnd('/'))), node)];
        foreach (var e in entries)
        {
            WriteEntry(fs, e, r, output);
        }
    }

    private static BupFs.NodeAttributes Resolve(RepoFileSystem fs, string path)
    {
        try
        {
            return fs.Resolve(Encoding.UTF8.GetBytes(path));
        }
        catch (FsException e) when (e.Error == FsError.NotFound)
        {
            throw new CliException($"{path}: no such file or directory");
        }
    }

    private static void WriteEntry(RepoFileSystem fs, BupFs.DirectoryEntry e, ParseResult r, Stream output)
    {
        var sb = new StringBuilder();
        if (r.GetValue(Hash))
        {
            sb.Append(fs.GetObjectId(e.Attributes.Inode)?.ToString() ?? new string('0', ObjectId.HexSize)).Append(' ');
        }

        if (r.GetValue(Long))
        {
            var a = e.Attributes;
            var when = DateTimeOffset.FromUnixTimeSeconds(a.ModifyTime.Seconds).ToLocalTime();
            sb.Append(ModeString(a.Mode)).Append(' ').Append(Owner(a.Uid, a.Gid)).Append(' ')
              .Append(a.Size.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append(' ')
              .Append(when.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append(' ');
        }

        output.Write(Encoding.UTF8.GetBytes(sb.ToString()));
        output.Write(e.Name);
        if (r.GetValue(Long) && e.Attributes.Kind == BupFs.NodeKind.Symlink)
        {
            output.Write(" -> "u8);
            output.Write(fs.ReadLink(e.Attributes.Inode));
        }

        output.WriteByte((byte)'\n');
    }

    private static string Owner(uint uid, uint gid) => $"{uid}/{gid}";

    /// <summary>ls-style mode text, e.g. drwxr-xr-x.</summary>
    public static string ModeString(uint mode)
    {
        var type = (mode & 0xF000) switch
        {
            0x4000 => 'd', 0xA000 => 'l', 0x1000 => 'p', 0xC000 => 's', 0x2000 => 'c', 0x6000 => 'b', _ => '-',
        };
        var sb = new StringBuilder().Append(type);
        for (var shift = 6; shift >= 0; shift -= 3)
        {
            var bits = (mode >> shift) & 7;
            sb.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-').Append((bits & 1) != 0 ? 'x' : '-');
        }

        return sb.ToString();
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
