using Compat.Tests.Support;

namespace Compat.Tests.Backup;

/// <summary>
/// Paths given on the command line keep their bytes even when they are not UTF-8 (bup takes argv
/// as bytes): index, save and restore of a folder named in Latin-1.
/// </summary>
public sealed class ByteArgumentTests
{
    // "café" in Latin-1, as the shell produces it: not valid UTF-8.
    private const string Latin1Name = "\"$(printf 'caf\\351')\"";

    [Fact]
    public void NonUtf8SourceAndRestorePathsKeepTheirBytes()
    {
        using var t = new BupfsTool();
        t.Bupfs("init");
        t.Sh($"mkdir -p src/{Latin1Name} && echo hello > src/{Latin1Name}/f");

        t.Sh($"{t.BupfsCommand} index src/{Latin1Name} && {t.BupfsCommand} save -q -n x --strip-path src src/{Latin1Name}");
        Assert.Equal("1", t.Sh($"git --git-dir=\"$BUP_DIR\" ls-tree -r -z --name-only x | tr '\\0' '\\n' | grep -c -x {Latin1Name}/f").Trim());
        Assert.Contains("hello", t.Sh($"bup restore -C out-bup /x/latest/{Latin1Name}/f && cat out-bup/f"), StringComparison.Ordinal);

        t.Sh($"{t.BupfsCommand} restore -C out /x/latest/{Latin1Name}/");
        Assert.Equal("hello", t.Sh("cat out/f").Trim());
    }
}
