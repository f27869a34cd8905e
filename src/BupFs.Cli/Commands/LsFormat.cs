using System.CommandLine;
using System.Globalization;
using System.Text;
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Cli.Commands;

/// <summary>One line of bup ls output: optional object id, then either the name (with a type indicator) or
/// metadata.summary_bytes' long format '%-10s %-11s %11s %16s %s'.</summary>
internal sealed record LsFormat(bool Long, bool Hash, bool CommitHash, string? Classification, bool Human, bool NumericIds)
{
    public static LsFormat From(ParseResult r, Option<bool> lng, Option<bool> hash, Option<bool> commitHash,
        Option<bool> classify, Option<bool> fileType, Option<bool> human, Option<bool> numericIds)
    {
        var classification = r.GetValue(classify) ? "all" : r.GetValue(fileType) ? "type" : null;
        var commit = r.GetValue(commitHash);
        return new LsFormat(r.GetValue(lng), r.GetValue(hash) || commit, commit, classification, r.GetValue(human), r.GetValue(numericIds));
    }

    /// <summary>
    /// Writes one line; <paramref name="meta"/> null means bup's stand-in metadata (owner ?/?, time 0).
    /// A <paramref name="damaged"/> entry's line reads nothing more from the repository (no symlink target).
    /// </summary>
    public void Write(RepoFileSystem fs, byte[] name, BupFs.NodeAttributes node, BupMetadata? meta, Stream output, bool damaged = false)
    {
        var prefix = new StringBuilder();
        if (Hash)
        {
            // A branch has no tree of its own: bup shows its tip commit.
            var id = (CommitHash ? fs.GetCommitId(node.Inode) : null) ?? fs.GetObjectId(node.Inode) ?? fs.GetCommitId(node.Inode);
            prefix.Append(id?.ToString() ?? new string('0', ObjectId.HexSize)).Append(' ');
        }

        if (Long)
        {
            prefix.Append(LongColumns(node, meta));
        }

        output.Write(Encoding.UTF8.GetBytes(prefix.ToString()));
        output.Write(name);
        WriteSuffix(fs, node, output, damaged);
        output.WriteByte((byte)'\n');
    }

    private void WriteSuffix(RepoFileSystem fs, BupFs.NodeAttributes node, Stream output, bool damaged)
    {
        if (Classification is not null)
        {
            output.Write(Encoding.ASCII.GetBytes(Indicator(node.Mode, Classification == "all")));
        }

        if (Long && node.Kind == BupFs.NodeKind.Symlink && !damaged)
        {
            output.Write(" -> "u8);
            output.Write(fs.ReadLink(node.Inode));
        }
    }

    private string LongColumns(BupFs.NodeAttributes a, BupMetadata? meta)
    {
        var user = meta is null ? "?" : meta.User.Length > 0 && !NumericIds ? Encoding.UTF8.GetString(meta.User) : Number(meta.Uid);
        var group = meta is null ? "?" : meta.Group.Length > 0 && !NumericIds ? Encoding.UTF8.GetString(meta.Group) : Number(meta.Gid);
        var size = a.Kind is BupFs.NodeKind.CharDevice or BupFs.NodeKind.BlockDevice
            ? (meta is { Rdev: not 0 } ? DeviceText((ulong)meta.Rdev) : "?")
            : Human ? FileSize(a.Size) : Number(a.Size);
        var when = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(meta?.Mtime.Seconds ?? 0), BupStore.Time.LocalTimeZone.Current);
        var time = when.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return $"{ModeString(a.Mode),-10} {user + "/" + group,-11} {size,11} {time,16} ";
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    // bup's format_filesize: whole bytes below 1 KiB, else one decimal and a K/M/G... suffix.
    private static string FileSize(long size)
    {
        if (size < 1024)
        {
            return Number(size);
        }

        var exponent = (int)Math.Floor(Math.Log(size) / Math.Log(1024));
        var scaled = size / Math.Pow(1024, exponent);
        return scaled.ToString("F1", CultureInfo.InvariantCulture) + "KMGTPE"[exponent - 1];
    }

    private static string DeviceText(ulong dev)
    {
        var (major, minor) = DeviceNumber.Split(dev);
        return $"{major},{minor}";
    }

    private static string Indicator(uint mode, bool includeExec) => (mode & 0xF000) switch
    {
        0x8000 => includeExec && (mode & 0x49) != 0 ? "*" : "",
        0x4000 => "/",
        0xA000 => "@",
        0x1000 => "|",
        0xC000 => "=",
        _ => "",
    };

    /// <summary>bup's xstat.mode_str: the type letter and the nine rwx bits (bup shows no setuid/setgid/sticky).</summary>
    public static string ModeString(uint mode)
    {
        var type = (mode & 0xF000) switch
        {
            0x8000 => '-', 0x4000 => 'd', 0x2000 => 'c', 0x6000 => 'b', 0x1000 => 'p', 0xA000 => 'l', 0xC000 => 's', _ => '?',
        };
        var sb = new StringBuilder().Append(type);
        for (var shift = 6; shift >= 0; shift -= 3)
        {
            var bits = (mode >> shift) & 7;
            sb.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-').Append((bits & 1) != 0 ? 'x' : '-');
        }

        return sb.ToString();
    }
}
