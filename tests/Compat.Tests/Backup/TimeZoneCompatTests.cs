namespace Compat.Tests.Backup;

/// <summary>
/// POSIX TZ values: the commit's timezone field and the save names bupfs shows must be bup's
/// (bup takes both from Python's time.localtime, i.e. glibc's reading of TZ).
/// </summary>
public sealed class TimeZoneCompatTests : IDisposable
{
    private static readonly string[] Dates = ["1690000000", "1700000000", "1711846799", "1711846800"];
    private readonly SaveCompatWorkspace _ws = new();

    public TimeZoneCompatTests()
    {
        Directory.CreateDirectory(_ws.Source);
        File.WriteAllText(Path.Combine(_ws.Source, "a"), "a");
        Thread.Sleep(1100);
        SaveCompatWorkspace.Ok(_ws.Bup("index", "src"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "src"));
    }

    public void Dispose() => _ws.Dispose();

    public static TheoryData<string> Zones =>
        ["ACDT-10:30", "<+0330>-3:30", "NZST-12NZDT,M9.5.0,M4.1.0/3", "CET-1CEST,M3.5.0,M10.5.0/3", "AAA3BBB,J60/2,J300/-1", "Europe/Paris", "UTC0"];

    private (int Exit, string Stdout, string Stderr) Run(string tz, string tool, params string[] args) =>
        tool == "bup"
            ? _ws.Run("bup", args, env: new Dictionary<string, string> { ["TZ"] = tz })
            : _ws.Run(TestSupport.BupfsProgram.FileName, TestSupport.BupfsProgram.Arguments(args), env: new Dictionary<string, string> { ["TZ"] = tz });

    [Theory]
    [MemberData(nameof(Zones))]
    public void Commit_offsets_and_save_names_are_bups(string tz)
    {
        foreach (var date in Dates)
        {
            SaveCompatWorkspace.Ok(Run(tz, "bup", "save", "-q", "-n", "bup", "-d", date, "src"));
            SaveCompatWorkspace.Ok(Run(tz, "bupfs", "save", "-q", "-n", "ours", "-d", date, "src"));
        }

        Assert.Equal(_ws.Git("log", "--format=%ad %cd", "--date=raw", "bup"), _ws.Git("log", "--format=%ad %cd", "--date=raw", "ours"));
        var bupNames = SaveCompatWorkspace.Ok(Run(tz, "bup", "ls", "bup"));
        Assert.Equal(bupNames, SaveCompatWorkspace.Ok(Run(tz, "bupfs", "ls", "bup")));
        Assert.Equal(bupNames, SaveCompatWorkspace.Ok(Run(tz, "bupfs", "ls", "ours")));
    }
}
