using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>Save names and 0.33.7's duplicate suffixes (docs/formats/vfs-layout.md, "Inside a branch").</summary>
public sealed class SaveNamesTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    [Fact]
    public void NamesUseTheAuthorTimeInTheReadersZone()
    {
        Assert.Equal("2023-11-14-221320", SaveNames.Format(1_700_000_000, TimeZoneInfo.Utc).Text());
        Assert.Equal("2023-11-14-161320", SaveNames.Format(1_700_000_000, Chicago).Text());
        Assert.Equal("1969-12-31-235959", SaveNames.Format(-1, TimeZoneInfo.Utc).Text());
        Assert.StartsWith("9999-12-29-", SaveNames.Format(long.MaxValue, TimeZoneInfo.Utc).Text(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConsecutiveDuplicatesCountDownToZero()
    {
        long[] times = [1_700_000_500, 1_700_000_000, 1_700_000_000, 1_700_000_000];
        Assert.Equal(
            ["2023-11-14-222140", "2023-11-14-221320-2", "2023-11-14-221320-1", "2023-11-14-221320-0"],
            SaveNames.Assign(times, TimeZoneInfo.Utc).Select(n => n.Text()));
    }

    [Fact]
    public void SuffixesArePaddedToTheLargestNumber()
    {
        var names = SaveNames.Assign(Enumerable.Repeat(1_700_000_000L, 11).ToList(), TimeZoneInfo.Utc).Select(n => n.Text()).ToList();
        Assert.Equal("2023-11-14-221320-10", names[0]);
        Assert.Equal("2023-11-14-221320-09", names[1]);
        Assert.Equal("2023-11-14-221320-00", names[^1]);
    }

    [Fact]
    public void NonConsecutiveDuplicatesAreNotSuffixed()
    {
        long[] times = [1_700_000_000, 1_700_000_500, 1_700_000_000];
        Assert.Equal(["2023-11-14-221320", "2023-11-14-222140", "2023-11-14-221320"], SaveNames.Assign(times, TimeZoneInfo.Utc).Select(n => n.Text()));
    }
}
