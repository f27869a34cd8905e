using System.Diagnostics;
using System.Globalization;
using BupStore.Time;

namespace BupStore.Tests;

/// <summary>
/// POSIX TZ strings evaluated as glibc evaluates them: offsets compared, instant by instant, with
/// Python's time.localtime (glibc underneath, and what bup itself uses) under the same TZ.
/// </summary>
public sealed class PosixTimeZoneTests
{
    public static TheoryData<string> Zones =>
    [
        "ACDT-10:30", "<+0330>-3:30", "UTC0", "AAA3BBB,J60/2,J300/-1", "NZST-12NZDT,M9.5.0,M4.1.0/3",
        "EST5EDT4,M3.2.0/2,M11.1.0/2", "CET-1CEST,M3.5.0,M10.5.0/3", "XXX-5:45YYY-6,100/0,250/25",
        "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", "ABC-3DEF,M13.1.0,M3.1.0", "ABC-3 junk", "ABC-13:99:99",
    ];

    /// <summary>Every 9 days 7 hours from 1990 to 2040, and each hour around each year's likely transitions.</summary>
    private static List<long> Instants()
    {
        var list = new List<long>();
        for (long t = 631152000; t < 2208988800; t += (9 * 86400) + 25200)
        {
            list.Add(t);
        }

        foreach (var year in new[] { 2000, 2023, 2024 })
        {
            foreach (var month in new[] { 3, 4, 9, 10, 11 })
            {
                var first = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
                for (var h = -48; h < 31 * 24 + 48; h++)
                {
                    list.Add(first + (h * 3600L) - 1);
                    list.Add(first + (h * 3600L));
                }
            }
        }

        return list;
    }

    private static long[] GlibcOffsets(string tz, List<long> instants)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys,time\nfor l in sys.stdin: print(time.localtime(int(l)).tm_gmtoff)");
        start.Environment["TZ"] = tz;
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        python.StandardInput.Write(string.Join('\n', instants.Select(t => t.ToString(CultureInfo.InvariantCulture))) + "\n");
        python.StandardInput.Close();
        python.WaitForExit();
        return [.. output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void Offsets_match_glibc(string tz)
    {
        var zone = PosixTimeZone.Parse(tz);
        Assert.NotNull(zone);
        var info = zone.ToTimeZoneInfo();
        var instants = Instants();
        var expected = GlibcOffsets(tz, instants);
        Assert.Equal(instants.Count, expected.Length);
        for (var i = 0; i < instants.Count; i++)
        {
            var t = instants[i];
            Assert.True(expected[i] == zone.UtcOffsetAt(t), $"{tz} at {t}: glibc {expected[i]}, ours {zone.UtcOffsetAt(t)}");
            var viaInfo = info.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(t)).TotalSeconds;
            Assert.True(expected[i] / 60 * 60 == viaInfo, $"{tz} at {t} as TimeZoneInfo: glibc {expected[i]}, ours {viaInfo}");
        }
    }

    /// <summary>
    /// A daylight name without rules: glibc moves posixrules' (America/New_York's) transitions by
    /// the zone's offsets in a way bupfs does not reproduce to the hour; bupfs takes the US rules at
    /// 02:00 local. Away from the transition days both agree.
    /// </summary>
    [Theory]
    [InlineData("ABC+3DEF")]
    [InlineData("ABC-3DEF,")]
    [InlineData("XYZ-10:30ABC-11")]
    public void Daylight_without_rules_follows_the_us_rules_away_from_transitions(string tz)
    {
        var zone = PosixTimeZone.Parse(tz)!;
        List<long> instants = [1705000000, 1720000000, 1735000000, 1000000000, 1010000000, 1020000000];
        var expected = GlibcOffsets(tz, instants);
        Assert.Equal(expected, instants.Select(t => (long)zone.UtcOffsetAt(t)));
        Assert.Equal(expected, instants.Select(t => (long)zone.ToTimeZoneInfo().GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(t)).TotalSeconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("AB-3")]
    [InlineData("ABC")]
    [InlineData("<AB>-3")]
    [InlineData("3ABC")]
    public void Strings_glibc_refuses_are_not_parsed(string tz)
    {
        Assert.Null(PosixTimeZone.Parse(tz));
        Assert.Equal(TimeSpan.Zero, LocalTimeZone.FromTz(tz).BaseUtcOffset);
    }

    [Fact]
    public void Zone_names_are_zone_files_and_posix_strings_are_not()
    {
        Assert.Equal(TimeSpan.FromHours(1), LocalTimeZone.FromTz("Europe/Paris").GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(1700000000)));
        Assert.Equal(TimeSpan.FromMinutes(630), LocalTimeZone.FromTz("ACDT-10:30").GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(1700000000)));
        Assert.Equal(TimeSpan.Zero, LocalTimeZone.FromTz(":").BaseUtcOffset);
    }
}
