using System.Security.Cryptography;
using System.Text;

namespace BupStore.Tests.Support;

/// <summary>The deterministic inputs of docs/formats/hashsplit.md, "Inputs".</summary>
public static class TestData
{
    private static readonly Lazy<byte[]> R20M = new(() => Gen(20_000_000));

    /// <summary>The first n bytes of SHA256("bup-test-0") ‖ SHA256("bup-test-1") ‖ …</summary>
    public static byte[] Gen(int n)
    {
        var output = new byte[n];
        for (int i = 0, pos = 0; pos < n; i++, pos += 32)
        {
            var digest = SHA256.HashData(Encoding.ASCII.GetBytes($"bup-test-{i}"));
            digest.AsSpan(0, Math.Min(32, n - pos)).CopyTo(output.AsSpan(pos));
        }

        return output;
    }

    public static byte[] R20m => R20M.Value;

    public static byte[] R1m => R20m[..1_000_000];

    public static byte[] Zeros(int n) => new byte[n];

    public static byte[] Mixed => [.. Zeros(50_000), .. R1m[..300_000], .. Zeros(70_000)];

    public static byte[] Quirk =>
    [
        .. Zeros(32_704), .. Sha("quirk-517"), .. Sha("quirk2-517"), .. Sha("quirk3-517"), .. Sha("quirk4-517"), .. Zeros(37_168),
    ];

    public static byte[] QuirkCat => [.. Quirk, .. R1m];

    public static byte[] BlockQuirk => [.. R20m[..8_272_285], .. Quirk, .. Zeros(46_323), .. R1m[..100_000]];

    public static byte[] Named(string name) => name switch
    {
        "r1m.bin" => R1m,
        "r20m.bin" => R20m,
        "z100k.bin" => Zeros(100_000),
        "z10m.bin" => Zeros(10_485_760),
        "mixed.bin" => Mixed,
        "quirk.bin" => Quirk,
        "quirkcat.bin" => QuirkCat,
        "blockquirk.bin" => BlockQuirk,
        "empty" => [],
        _ => throw new ArgumentException(name),
    };

    private static byte[] Sha(string s) => SHA256.HashData(Encoding.ASCII.GetBytes(s));
}
