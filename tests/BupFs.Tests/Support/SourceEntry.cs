using System.Text.Json;

namespace BupFs.Tests.Support;

/// <summary>One entry of a source tree as lstat, readlink and the xattr calls saw it (dump_tree.py).</summary>
internal sealed class SourceEntry
{
    public required byte[] Path { get; init; }

    public required uint Mode { get; init; }

    public required uint Uid { get; init; }

    public required uint Gid { get; init; }

    public required long Size { get; init; }

    public required ulong Rdev { get; init; }

    public required uint LinkCount { get; init; }

    public required ulong Inode { get; init; }

    public required long AtimeNs { get; init; }

    public required long MtimeNs { get; init; }

    public required long CtimeNs { get; init; }

    public byte[]? Target { get; init; }

    public required IReadOnlyList<(byte[] Name, byte[] Value)> Xattrs { get; init; }

    public NodeKind Kind => (Mode & 0xF000) switch
    {
        0x8000 => NodeKind.File,
        0x4000 => NodeKind.Directory,
        0xA000 => NodeKind.Symlink,
        0x1000 => NodeKind.Fifo,
        0xC000 => NodeKind.Socket,
        0x2000 => NodeKind.CharDevice,
        _ => NodeKind.BlockDevice,
    };

    public byte[] Name => Path.AsSpan().LastIndexOf((byte)'/') is var slash and >= 0 ? Path[(slash + 1)..] : Path;

    public byte[] Parent => Path.AsSpan().LastIndexOf((byte)'/') is var slash and >= 0 ? Path[..slash] : [];

    public string Display => BupStore.Objects.NameText.Display(Path);

    /// <summary>Parses one JSON line of dump_tree.py.</summary>
    public static SourceEntry Parse(string line)
    {
        var json = JsonDocument.Parse(line).RootElement;
        var xattrs = new List<(byte[], byte[])>();
        if (json.TryGetProperty("xattrs", out var map))
        {
            foreach (var property in map.EnumerateObject())
            {
                xattrs.Add((Convert.FromHexString(property.Name), Convert.FromHexString(property.Value.GetString()!)));
            }
        }

        return new SourceEntry
        {
            Path = Convert.FromHexString(json.GetProperty("path").GetString()!),
            Mode = json.GetProperty("mode").GetUInt32(),
            Uid = json.GetProperty("uid").GetUInt32(),
            Gid = json.GetProperty("gid").GetUInt32(),
            Size = json.GetProperty("size").GetInt64(),
            Rdev = json.GetProperty("rdev").GetUInt64(),
            LinkCount = json.GetProperty("nlink").GetUInt32(),
            Inode = json.GetProperty("ino").GetUInt64(),
            AtimeNs = json.GetProperty("atime").GetInt64(),
            MtimeNs = json.GetProperty("mtime").GetInt64(),
            CtimeNs = json.GetProperty("ctime").GetInt64(),
            Target = json.TryGetProperty("target", out var target) ? Convert.FromHexString(target.GetString()!) : null,
            Xattrs = xattrs,
        };
    }

    /// <summary>The FsTime a nanosecond count since the epoch is (floor seconds, ns ≥ 0).</summary>
    public static FsTime Time(long ns)
    {
        var seconds = Math.DivRem(ns, 1_000_000_000L, out var rest);
        return rest < 0 ? new FsTime(seconds - 1, (uint)(rest + 1_000_000_000L)) : new FsTime(seconds, (uint)rest);
    }
}
