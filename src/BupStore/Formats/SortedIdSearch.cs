using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>The binary search both idx and midx run inside one fanout bucket.</summary>
internal static class SortedIdSearch
{
    /// <summary>Index of <paramref name="id"/> in [<paramref name="low"/>, <paramref name="high"/>), or -1.</summary>
    public static int Find<T>(T table, ObjectId id, int low, int high)
        where T : ISortedIdTable
    {
        while (low < high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            var c = id.CompareTo(table.GetIdBytes(mid));
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return -1;
    }
}
