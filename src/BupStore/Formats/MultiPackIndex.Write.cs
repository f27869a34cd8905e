using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>
/// The midx v4 writer: bup's <c>cmd/midx.py</c> <c>_do_midx</c> and the C <c>merge_into</c>
/// (docs/formats/midx-bloom.md, "Writing, byte-identical to bup"), reproduced so that the table, ids and which values are byte-identical to bup's.
/// </summary>
public sealed partial class MultiPackIndex
{
    /// <summary>
    /// Merges idx and/or midx files into a new midx in <paramref name="packDir"/>, named as bup names
    /// it (<c>midx-&lt;SHA-1 of the input paths joined by NUL&gt;.midx</c>), and returns its path. The
    /// file is written to a temporary directory, fsynced and renamed into place. Like
    /// <c>bup midx FILES...</c>, a midx input that is not version 4 or names a missing idx is skipped
    /// (and contributes no names). Damaged inputs throw <see cref="CorruptObjectException"/>.
    /// <paramref name="outputPath"/> replaces the generated name (bup midx -o).
    /// </summary>
    public static string Write(string packDir, IReadOnlyList<string> inputPaths, string? outputPath = null) =>
        WriteCore(packDir, inputPaths, auto: false, force: false, outputPath)!.Value.Path;

    /// <summary>
    /// bup's <c>_do_midx</c>: opens the inputs, applies the <c>--auto</c>/<c>-f</c> "nothing to do" rules
    /// and writes. Returns null when a rule says to skip. With <paramref name="auto"/> or
    /// <paramref name="force"/>, midx inputs that name a missing idx are deleted, as bup does.
    /// </summary>
    internal static (long Total, string Path)? WriteCore(string packDir, IReadOnlyList<string> inputPaths, bool auto, bool force, string? outputPath = null)
    {
        ArgumentNullException.ThrowIfNull(inputPaths);
        outputPath ??= System.IO.Path.Combine(packDir, OutputName(inputPaths));
        var inputs = new List<MergeInput>();
        try
        {
            var names = new List<string>();
            foreach (var path in inputPaths)
            {
                var input = MergeInput.Open(path, names.Count, removeBroken: auto || force);
                if (input is not null)
                {
                    inputs.Add(input);
                    names.AddRange(input.Names);
                }
            }

            long total = inputs.Sum(i => (long)i.Count);
            if ((auto && total < 1024 && inputPaths.Count < 3) || ((auto || force) && inputPaths.Count < 2) || (force && total == 0))
            {
                return null;
            }

            WriteAtomically(outputPath, inputs, names, total);
            return (total, outputPath);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    /// <summary>bup's file name: SHA-1 over the input paths, exactly as given, joined by NUL.</summary>
    public static string OutputName(IReadOnlyList<string> inputPaths)
    {
        var joined = Encoding.UTF8.GetBytes(string.Join('\0', inputPaths));
        return $"midx-{Convert.ToHexStringLower(SHA1.HashData(joined))}.midx";
    }

    /// <summary>
    /// bup's table width: one bucket per 4 KiB page of ids. Computed with the same floating-point
    /// steps as bup (<c>int(total / 204.8) or 1</c>, then <c>ceil(log(pages, 2))</c>), because
    /// <c>log(2^29)/log(2)</c> rounds above 29 and bup's files carry that rounding.
    /// </summary>
    public static int ComputeBits(long total)
    {
        var pages = (long)(total / (4096 / 20.0));
        if (pages == 0)
        {
            pages = 1;
        }

        return (int)Math.Ceiling(Math.Log(pages) / Math.Log(2));
    }

    private static void WriteAtomically(string outputPath, List<MergeInput> inputs, List<string> names, long total)
    {
        if (total > int.MaxValue)
        {
            throw new InvalidOperationException($"{outputPath}: {total} ids exceed what a midx can hold");
        }

        var bits = ComputeBits(total);
        var namesBytes = Encoding.UTF8.GetBytes(string.Join('\0', names));
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(outputPath))!;
        var tempDirectory = CreateTempDirectory(outputPath);
        try
        {
            var pending = System.IO.Path.Combine(tempDirectory, "pending");
            WriteFile(pending, inputs, bits, (int)total, namesBytes);
            File.Move(pending, outputPath, overwrite: true);
            MappedFile.SyncDirectory(directory);
        }
        finally
        {
            Directory.Delete(tempDirectory, recursive: true);
        }
    }

    /// <summary>bup's <c>atomically_replaced_file</c> temp dir: <c>&lt;output&gt;-XXXXXX</c> next to the output.</summary>
    private static string CreateTempDirectory(string outputPath)
    {
        for (var attempt = 0; ; attempt++)
        {
            var candidate = $"{outputPath}-{System.IO.Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal)[..6]}";
            if (!Directory.Exists(candidate) && !File.Exists(candidate))
            {
                return Directory.CreateDirectory(candidate).FullName;
            }

            if (attempt > 100)
            {
                throw new IOException($"{outputPath}: cannot create a temporary directory");
            }
        }
    }

    private static void WriteFile(string path, List<MergeInput> inputs, int bits, int total, byte[] namesBytes)
    {
        var tablesLength = Layout.TableOffset + (4L << bits) + ((long)total * Layout.BytesPerObject);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        stream.SetLength(tablesLength);
        using (var map = MappedFile.MapReadWrite(stream, path, tablesLength))
        {
            var header = map.Write(0, Layout.TableOffset);
            Layout.Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt32BigEndian(header[4..], Layout.SupportedVersion);
            BinaryPrimitives.WriteUInt32BigEndian(header[8..], (uint)bits);
            Merge(map, inputs, bits, total);
            map.Flush();
        }

        stream.Seek(tablesLength, SeekOrigin.Begin);
        stream.Write(namesBytes);
        stream.Flush(flushToDisk: true);
    }
}
