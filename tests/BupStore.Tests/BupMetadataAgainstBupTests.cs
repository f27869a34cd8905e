using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BupStore.Formats;

namespace BupStore.Tests;

/// <summary>
/// Cross-checks the encoders and decoders against bup 0.33's own Python modules (vint.py,
/// metadata.py) on random inputs. Skipped when bup's library is not installed.
/// </summary>
public sealed class BupMetadataAgainstBupTests
{
    private const string BupLibrary = "/usr/lib/bup";

    // Reads JSON lines; "v"/"V" lines encode one vint/vuint, "m" lines build a Metadata object and
    // print its encoding, "r" lines decode bytes with Metadata.read and print the re-encoding.
    private const string Oracle = """
        import sys, json
        sys.path.insert(0, sys.argv[1])
        from io import BytesIO
        from bup import vint, metadata
        def b(h): return None if h is None else bytes.fromhex(h)
        for line in sys.stdin:
            job = json.loads(line)
            kind = job['k']
            if kind == 'v':
                print(vint.encode_vint(job['x']).hex())
            elif kind == 'V':
                print(vint.encode_vuint(job['x']).hex())
            elif kind == 'r':
                m = metadata.Metadata.read(BytesIO(b(job['x'])))
                print('00' if m is None else m.encode(include_path=True).hex())
            else:
                m = metadata.Metadata()
                m.path = b(job['path'])
                m.mode, m.uid, m.gid, m.rdev = job['mode'], job['uid'], job['gid'], job['rdev']
                m.user, m.group = b(job['user']), b(job['group'])
                m.atime, m.mtime, m.ctime = int(job['atime']), int(job['mtime']), int(job['ctime'])
                m.size = job['size']
                m.symlink_target, m.hardlink_target = b(job['symlink']), b(job['hardlink'])
                m.posix1e_acl = None if job['acl'] is None else [b(x) for x in job['acl']]
                m.linux_attr = job['attr']
                m.linux_xattr = [(b(k), b(v)) for k, v in job['xattrs']]
                print(m.encode(include_path=True).hex())
        """;

    [Fact]
    public void VintAndVuintMatchBupsEncoder()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 3000).Select(_ => RandomValue(random)).ToList();
        var jobs = values.Select(v => JsonSerializer.Serialize(new { k = "v", x = v }))
            .Concat(values.Select(v => JsonSerializer.Serialize(new { k = "V", x = Math.Abs(v) })));
        var expected = RunOracle(jobs);
        Span<byte> buffer = stackalloc byte[VInt.MaxVintLength];
        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(expected[i], Convert.ToHexStringLower(buffer[..VInt.WriteVint(buffer, values[i])]));
            var vuint = buffer[..VInt.WriteVuint(buffer, (ulong)Math.Abs(values[i]))];
            Assert.Equal(expected[values.Count + i], Convert.ToHexStringLower(vuint));
        }
    }

    [Fact]
    public void MetadataEncodingMatchesBupAndBupReadsOurs()
    {
        var random = new Random(11);
        var objects = Enumerable.Range(0, 600).Select(_ => BupMetadataFuzzTests.RandomMetadata(random)).ToList();
        var ours = objects.Select(m => m.Encode(includePath: true)).ToList();
        var theirs = RunOracle(objects.Select(ToJob));
        var reread = RunOracle(ours.Select(bytes => JsonSerializer.Serialize(new { k = "r", x = Convert.ToHexStringLower(bytes) })));
        for (var i = 0; i < objects.Count; i++)
        {
            Assert.True(theirs[i] == Convert.ToHexStringLower(ours[i]), $"bup encodes {ToJob(objects[i])} as {theirs[i]}");
            // bup and we read the same thing (both drop a numeric default ACL text whose named text is empty).
            var ourReading = Convert.ToHexStringLower(BupMetadata.Decode(ours[i], "t")?.Encode(includePath: true) ?? [0]);
            Assert.True(ourReading == reread[i], $"bup re-encodes {ToJob(objects[i])} read from our bytes as {reread[i]}");
        }
    }

    private static string ToJob(BupMetadata m) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["k"] = "m",
        ["path"] = Hex(m.Path),
        ["mode"] = m.Mode,
        ["uid"] = m.Uid,
        ["gid"] = m.Gid,
        ["rdev"] = m.Rdev,
        ["user"] = Hex(m.User),
        ["group"] = Hex(m.Group),
        ["atime"] = m.Atime.ToUnixNanoseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["mtime"] = m.Mtime.ToUnixNanoseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ctime"] = m.Ctime.ToUnixNanoseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["size"] = m.Size,
        ["symlink"] = Hex(m.SymlinkTarget),
        ["hardlink"] = Hex(m.HardlinkTarget),
        ["acl"] = m.Acl is { } acl ? new[] { Hex(acl.Access), Hex(acl.AccessNumeric), Hex(acl.Default), Hex(acl.DefaultNumeric) } : null,
        ["attr"] = m.LinuxAttr,
        ["xattrs"] = m.Xattrs.Select(x => new[] { Hex(x.Name), Hex(x.Value) }).ToArray(),
    });

    private static string? Hex(byte[]? bytes) => bytes is null ? null : Convert.ToHexStringLower(bytes);

    private static long RandomValue(Random random)
    {
        var bits = random.Next(0, 56);
        var magnitude = bits == 0 ? 0 : random.NextInt64() & ((1L << bits) - 1);
        return random.Next(2) == 0 ? magnitude : -magnitude;
    }

    private static List<string> RunOracle(IEnumerable<string> jobs)
    {
        if (!Directory.Exists(Path.Combine(BupLibrary, "bup")) || !File.Exists("/usr/bin/python3"))
        {
            Assert.Skip("bup's Python library is not installed at " + BupLibrary);
        }

        var input = string.Join('\n', jobs) + "\n";
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Oracle);
        start.ArgumentList.Add(BupLibrary);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error.Result);
        return [.. output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
