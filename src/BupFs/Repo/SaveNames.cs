// Save names as bup 0.33.7 shows them (docs/formats/vfs-layout.md, "Inside a branch"; vfs.py _name_for_rev and
// _reverse_suffix_duplicates).
using System.Globalization;
using System.Text;

namespace BupFs.Repo;

/// <summary>
/// Names saves <c>YYYY-MM-DD-hhmmss</c> after the commit's author time in the reader's time zone;
/// a run of consecutive equal names (in rev-list order, newest first) gets suffixes <c>-N</c>
/// counting down to 0, zero-padded to the width of the largest.
/// </summary>
internal static class SaveNames
{
    private static readonly long MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds() + (2 * 86400);
    private static readonly long MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds() - (2 * 86400);

    /// <summary>The base name for author time <paramref name="seconds"/> in <paramref name="zone"/>.</summary>
    public static byte[] Format(long seconds, TimeZoneInfo zone)
    {
        // Times no calendar can show (damaged commits) are clamped rather than failing the branch.
        var utc = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, MinSeconds, MaxSeconds));
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        return Encoding.ASCII.GetBytes(local.ToString("yyyy-MM-dd-HHmmss", CultureInfo.InvariantCulture));
    }

    /// <summary>The names of saves with <paramref name="authorTimes"/> in rev-list order (newest first).</summary>
    public static byte[][] Assign(IReadOnlyList<long> authorTimes, TimeZoneInfo zone)
    {
        var names = new byte[authorTimes.Count][];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Format(authorTimes[i], zone);
        }

        for (var start = 0; start < names.Length;)
        {
            var end = start + 1;
            while (end < names.Length && names[end].AsSpan().SequenceEqual(names[start]))
            {
                end++;
            }

            SuffixRun(names, start, end);
            start = end;
        }

        return names;
    }

    private static void SuffixRun(byte[][] names, int start, int end)
    {
        var count = end - start;
        if (count == 1)
        {
            return;
        }

        var width = (count - 1).ToString(CultureInfo.InvariantCulture).Length;
        var baseName = Encoding.ASCII.GetString(names[start]);
        for (var i = start; i < end; i++)
        {
            var number = (count - 1 - (i - start)).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
            names[i] = Encoding.ASCII.GetBytes($"{baseName}-{number}");
        }
    }
}
